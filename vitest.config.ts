/**
 * @module vitest.config
 * Two projects: `worker` runs inside workerd (Cloudflare's Vitest integration)
 * against a real local D1 with the migrations applied; `node` runs the seed
 * script and the pure content model. Posts for the worker tests are parsed
 * here, in Node, by the real parser, and handed over as a binding.
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { loadFixturePosts } from "./test/support/fixtures";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                TEST_POSTS: JSON.stringify(await loadFixturePosts()),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.{ts,tsx}"],
          setupFiles: ["./test/worker/setup.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
