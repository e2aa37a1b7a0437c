import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../support/dev-server";
import { EXAMPLES } from "../support/fixtures";

describe("npm start's pieces: seed + wrangler dev", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ seed: [EXAMPLES] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves the seeded example posts on the home page", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("沪深两市成交额连续五日超万亿元");
    expect(html).toContain("央行开展3000亿元逆回购操作");
  });
});
