/**
 * @module vitest.config
 * Two projects: `worker` runs inside workerd (Cloudflare's Vitest integration)
 * against a real local D1 with the migrations applied; `node` runs the seed
 * script and the pure content model. Posts for the worker tests are parsed
 * here, in Node, by the real parser, and handed over as a binding; the real
 * corpus (../shared) joins them when present.
 */
import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { writeRenderVersion } from "./scripts/render-version.mjs";
import { loadFixturePosts, REAL_CORPUS } from "./test/support/fixtures";
import { hasFiles, optional } from "./test/support/requires";

// The Worker under test imports the generated render version: make it current first.
writeRenderVersion();
optional("the real posts among the worker tests' fixtures", REAL_CORPUS, hasFiles(REAL_CORPUS));

/** The `feed` package names a source map it does not ship: Vite would print a missing-file error each run. */
const feedWithoutMissingMap = {
  name: "feed-without-missing-source-map",
  enforce: "pre" as const,
  load(id: string) {
    if (!/[\\/]node_modules[\\/]feed[\\/]lib[\\/]feed\.js$/.test(id)) return null;
    return { code: readFileSync(id, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"), map: null };
  },
};

/** The worker tests inside workerd, over the default single database or a wrangler environment's databases. */
function workerProject(name: string, environment?: string) {
  return {
    plugins: [
      feedWithoutMissingMap,
      cloudflareTest(async () => ({
        wrangler: { configPath: "./wrangler.toml", environment },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
            TEST_POSTS: JSON.stringify(await loadFixturePosts()),
            // Docs whose promises a worker test checks against the code (the URL table).
            TEST_ARCHITECTURE_DOC: readFileSync("./docs/architecture.md", "utf8"),
          },
        },
      })),
    ],
    test: {
      name,
      include: ["test/worker/**/*.test.{ts,tsx}"],
      setupFiles: ["./test/worker/setup.ts"],
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      workerProject("worker"),
      // The same behaviour over the sharded example (wrangler.toml [env.archive]: four databases).
      workerProject("worker-archive", "archive"),
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
