/**
 * The cached-route contract: ETags that follow the render version, the
 * emulated edge cache that drops a copy as soon as one of its cache tags
 * changes, Cache-Tag headers, the Workers Cache mode, and the purger the
 * Cron Trigger runs.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { CLOCK_MARGIN_MS } from "../../src/http/edge";
import worker from "../../src/index";
import { BASE, makePost, seedPosts } from "./helpers";

type App = ReturnType<typeof createApp>;

/** A stand-in for Workers Cache's `ctx.cache` that records every purge. */
function recordingCache(answer: { success: boolean } = { success: true }) {
  const calls: string[][] = [];
  const cache = {
    purge: async (o: { tags?: string[] }) => {
      calls.push(o.tags ?? []);
      return { success: answer.success, errors: answer.success ? [] : [{ code: 429, message: "rate limited" }] };
    },
    invalidate: async () => ({ success: true, errors: [] }),
  };
  return { cache: cache as unknown as CacheContext, calls };
}

async function request(app: App, path: string, init?: RequestInit, cache?: CacheContext): Promise<Response> {
  const ctx = createExecutionContext();
  const withCache = cache ? Object.assign(ctx, { cache }) : ctx;
  const res = await app.request(`${BASE}${path}`, init, env, withCache);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Writes, then waits out the edge's clock margin, so copies rendered from now on may be reused. */
async function write(...posts: Parameters<typeof seedPosts>[0]) {
  await seedPosts(posts);
  await new Promise((r) => setTimeout(r, CLOCK_MARGIN_MS + 50));
}

const appA = createApp({ renderVersion: "render-a" });
const appB = createApp({ renderVersion: "render-b" });
const enc = encodeURIComponent;

const post = (slug: string, cat: string, over: Parameters<typeof makePost>[0] | object = {}) =>
  makePost({
    slug,
    categories: [cat],
    categoriesRaw: cat,
    tags: [`${cat}标签`],
    path: `/${cat}/2024/01/02/${slug}.html`,
    publishedAt: Date.now() - 60_000,
    ...over,
  });

describe("render version", () => {
  beforeAll(async () => {
    await seedPosts([post("rv-1", "rvcat")]);
  });

  for (const path of ["/category/rvcat.html", "/rvcat/2024/01/02/rv-1.html", "/category/rvcat/atom.xml", "/", "/robots.txt"]) {
    it(`${path}: another render version gives another ETag, and the old one gets 200 with the new rendering`, async () => {
      const a = await request(appA, path);
      expect(a.status).toBe(200);
      const etagA = a.headers.get("ETag") as string;
      expect(etagA).toMatch(/^"render-a-/);
      expect((await request(appA, path, { headers: { "If-None-Match": etagA } })).status).toBe(304);
      // The same data rendered by other code: the reader's ETag no longer matches, and A's edge copy is not served.
      const b = await request(appB, path, { headers: { "If-None-Match": etagA } });
      expect(b.status).toBe(200);
      expect(b.headers.get("ETag")).toMatch(/^"render-b-/);
      expect(b.headers.get("X-Cache")).toBe("MISS");
      expect((await b.text()).length).toBeGreaterThan(20);
    });
  }
});

describe("emulated edge cache", () => {
  beforeAll(async () => {
    await write(post("edge-a-1", "edgea"), post("edge-b-1", "edgeb"));
  });

  it("answers a repeated request from its copy, and renders again once a post of the page changes", async () => {
    const path = "/category/edgea.html";
    expect((await request(appA, path)).headers.get("X-Cache")).toBe("MISS");
    expect((await request(appA, path)).headers.get("X-Cache")).toBe("HIT");
    // A write elsewhere leaves the copy alone ...
    await write(post("edge-b-2", "edgeb"));
    expect((await request(appA, path)).headers.get("X-Cache")).toBe("HIT");
    // ... a write to this category is on the very next request.
    await write(post("edge-a-2", "edgea", { title: "第二条消息" }));
    const res = await request(appA, path);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(await res.text()).toContain("第二条消息");
    expect((await request(appA, path)).headers.get("X-Cache")).toBe("HIT");
  });

  it("drops an article's copy when the post is rewritten, and the lists it leaves when it changes category", async () => {
    const path = "/edgeb/2024/01/02/edge-b-1.html";
    await request(appA, path);
    await request(appA, "/category/edgeb.html");
    expect((await request(appA, path)).headers.get("X-Cache")).toBe("HIT");
    expect((await request(appA, "/category/edgeb.html")).headers.get("X-Cache")).toBe("HIT");
    await write(post("edge-b-1", "edgeb", { title: "改过的标题" }));
    const res = await request(appA, path);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(await res.text()).toContain("改过的标题");
    // Moved to another category: the old category's page is rendered again without it.
    await request(appA, "/category/edgeb.html");
    await write(post("edge-b-2", "edgemoved", { path: "/edgemoved/2024/01/02/edge-b-2.html" }));
    const old = await request(appA, "/category/edgeb.html");
    expect(old.headers.get("X-Cache")).toBe("MISS");
    expect(await old.text()).not.toContain("edge-b-2");
  });

  it("answers a conditional request with one query, never from a copy that may be out of date", async () => {
    const path = "/category/edgea/rss.xml";
    const first = await request(appA, path);
    const etag = first.headers.get("ETag") as string;
    await write(post("edge-a-3", "edgea"));
    const again = await request(appA, path, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(200);
    expect(again.headers.get("ETag")).not.toBe(etag);
  });

  it("keeps the home page until anything is written", async () => {
    await request(appA, "/");
    expect((await request(appA, "/")).headers.get("X-Cache")).toBe("HIT");
    await write(post("edge-c-1", "edgec"));
    expect((await request(appA, "/")).headers.get("X-Cache")).toBe("MISS");
  });
});

describe("cache tags", () => {
  beforeAll(async () => {
    await seedPosts([post("tag-1", "tagcat", { tags: ["标签甲"] })]);
  });

  const cases: [string, string][] = [
    ["/tagcat/2024/01/02/tag-1.html", "post:tag-1"],
    ["/category/tagcat.html", "c:tagcat"],
    ["/category/TagCat/feed.json", "c:tagcat"],
    ["/feed/tagcat.xml", "c:tagcat"],
    [`/tag/${enc("标签甲")}.html`, "t:标签甲"],
    [`/feed/by_tag/${enc("标签甲")}.xml`, "t:标签甲"],
    ["/", "site"],
    ["/feed.xml", "site"],
    ["/categories.html", "site"],
    ["/sitemap.xml", "site"],
  ];
  for (const [path, tag] of cases) {
    it(`${path} carries Cache-Tag ${tag}, in header-safe ASCII`, async () => {
      const res = await request(appA, path);
      expect(res.status).toBe(200);
      const header = res.headers.get("Cache-Tag") ?? "";
      expect(header).toMatch(/^[\x21-\x7e]+$/);
      expect(header.split(",").map(decodeURIComponent)).toContain(tag);
    });
  }

  it("a redirect to a post carries the post's tag; a 404 is never kept at the edge", async () => {
    const moved = await request(appA, "/TAGCAT/2024/01/02/tag-1.html");
    expect(moved.status).toBe(301);
    expect(decodeURIComponent(moved.headers.get("Cache-Tag") ?? "")).toBe("post:tag-1");
    const missing = await request(appA, "/tagcat/2024/01/02/no-such-post.html");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Cloudflare-CDN-Cache-Control")).toBe("no-store");
  });
});

describe("Workers Cache mode (ctx.cache present)", () => {
  it("labels responses for Cloudflare's cache and keeps no copy of its own", async () => {
    await seedPosts([post("wc-1", "wccat")]);
    const { cache } = recordingCache();
    const path = "/category/wccat.html";
    const res = await request(appA, path, undefined, cache);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBeNull();
    expect(res.headers.get("Cloudflare-CDN-Cache-Control")).toMatch(
      /^max-age=60, stale-while-revalidate=\d+, stale-if-error=\d+$/,
    );
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600, stale-if-error=86400");
    expect(res.headers.get("Cache-Tag")).toBe("c%3Awccat");
    expect(await caches.default.match(new Request(`${BASE}${path}`))).toBeUndefined();
    const article = await request(appA, "/wccat/2024/01/02/wc-1.html", undefined, cache);
    expect(article.headers.get("Cloudflare-CDN-Cache-Control")).toMatch(/^max-age=86400,/);
  });
});

describe("the purger (Cron Trigger)", () => {
  async function runScheduled(cache?: CacheContext) {
    const ctx = createExecutionContext();
    if (cache) Object.assign(ctx, { cache });
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("purges the tags every write changed, once, resuming after the last purge", async () => {
    await runScheduled(recordingCache().cache); // whatever earlier tests wrote
    await seedPosts([post("purge-1", "purgecat", { tags: ["清除标签"] })]);
    const first = recordingCache();
    await runScheduled(first.cache);
    const tags = first.calls.flat().map(decodeURIComponent).sort();
    expect(tags).toEqual(["c:purgecat", "site", "t:清除标签"]);
    for (const t of first.calls.flat()) expect(t).toMatch(/^[\x21-\x7e]+$/);
    const second = recordingCache();
    await runScheduled(second.cache);
    expect(second.calls).toEqual([]);
    // Rewriting the post also purges its page.
    await seedPosts([post("purge-1", "purgecat", { tags: ["清除标签"], title: "新标题" })]);
    const third = recordingCache();
    await runScheduled(third.cache);
    expect(third.calls.flat().map(decodeURIComponent).sort()).toEqual(["c:purgecat", "post:purge-1", "site", "t:清除标签"]);
  });

  it("keeps the changes a refused purge did not send, for the next run", async () => {
    await runScheduled(recordingCache().cache);
    await seedPosts([post("purge-2", "purgecat2")]);
    const refused = recordingCache({ success: false });
    await runScheduled(refused.cache);
    expect(refused.calls.length).toBe(1);
    const retry = recordingCache();
    await runScheduled(retry.cache);
    expect(retry.calls.flat().map(decodeURIComponent)).toContain("c:purgecat2");
  });

  it("sends at most 100 tags a call", async () => {
    await runScheduled(recordingCache().cache);
    // 120 categories and 120 tags, plus the site: 241 tags.
    await seedPosts(Array.from({ length: 120 }, (_, i) => post(`purge-many-${i}`, `manycat${i}`)));
    const many = recordingCache();
    await runScheduled(many.cache);
    expect(many.calls.map((c) => c.length)).toEqual([100, 100, 41]);
    expect(new Set(many.calls.flat()).size).toBe(241);
  });

  it("without Workers Cache, only prunes the change log", async () => {
    await expect(runScheduled()).resolves.toBeUndefined();
  });
});

/** The pattern a `…/x` cell continues: the nearest full pattern before it, up to its last slash. */
function prefixOf(shown: string[], i: number): string {
  for (let j = i - 1; j >= 0; j--) {
    const s = shown[j] as string;
    if (!s.startsWith("…/")) return s.slice(0, s.lastIndexOf("/") + 1);
  }
  return "";
}

describe("the URL table", () => {
  it("routes every URL a builder writes to that builder's row", async () => {
    const { URLS } = await import("../../src/routes");
    const { routedPath } = await import("../../src/routes");
    const { Hono } = await import("hono");
    const probe = new Hono({ getPath: routedPath });
    for (const [i, row] of URLS.entries()) probe.get(row.pattern, (c) => c.text(String(i)));
    const names = [
      "emnews",
      "TechWeb",
      "21shijijingjibaodao  nancailicaitong",
      "anxinguojizhengquan(xianggang)",
      "东财滚动新闻",
      "a/b",
    ];
    const samples = (pattern: string) =>
      pattern.startsWith("/sitemaps/") ? ["2024-01"] : pattern.startsWith("/html_News/") ? ["NW202206152413395749"] : names;
    for (const [i, row] of URLS.entries()) {
      if (!row.href) continue;
      for (const name of samples(row.pattern)) {
        const url = row.href(name);
        const res = await probe.request(`${BASE}${url}`);
        expect(await res.text(), `${row.pattern} ← ${url}`).toBe(String(i));
      }
    }
  });

  it("is shown whole in docs/architecture.md", async () => {
    const { URLS } = await import("../../src/routes");
    const doc = env.TEST_ARCHITECTURE_DOC;
    const table = doc.slice(doc.indexOf("### The URL table"), doc.indexOf("### The route contract"));
    const cells = table.split("\n").map((line) => line.split("|")[1] ?? "");
    const shown = cells.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] as string).replace(/\\\\/g, "\\")));
    for (const { pattern } of URLS) {
      // `…/rss.xml` after a pattern stands for the same pattern with another file name.
      const ok =
        shown.includes(pattern) ||
        shown.some((s, i) => s.startsWith("…/") && pattern.endsWith(s.slice(1)) && pattern.startsWith(prefixOf(shown, i)));
      expect(ok, `${pattern} is missing from the URL table of docs/architecture.md`).toBe(true);
    }
  });

  it("folds the case of the share page's path only", async () => {
    const { routedPath } = await import("../../src/routes");
    expect(routedPath(new Request(`${BASE}/HTML_NEWS/newsshare.HTML?infoCode=1`))).toBe("/html_News/NewsShare.html");
    expect(routedPath(new Request(`${BASE}/Category/X.html`))).toBe("/Category/X.html");
  });
});
