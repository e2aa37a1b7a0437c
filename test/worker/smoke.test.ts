import { beforeAll, describe, expect, it } from "vitest";
import { fixturePosts, get, seedPosts } from "./helpers";

describe("the Worker against a migrated local D1", () => {
  beforeAll(async () => {
    await seedPosts(fixturePosts());
  });

  it("serves /healthz without the database", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("lists the newest posts on the home page", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    const newest = fixturePosts()
      .filter((p) => p.published && p.publishedAt <= Date.now())
      .sort((a, b) => b.publishedAt - a.publishedAt)[0];
    expect(newest).toBeDefined();
    expect(html).toContain(newest?.path);
  });
});
