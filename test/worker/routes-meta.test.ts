/**
 * /healthz, robots.txt, the sitemaps, the request guard (405, 414), the
 * security headers of every HTML response, and failures that must stay pages.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { CSP } from "../../src/http/guard";
import { dayFiles } from "../../src/routes/meta";
import { shardAt } from "../../src/db/archive";
import { archiveShards, BASE, fixturePosts, get, makePost, seedPosts } from "./helpers";

const now = Date.now();
const all = fixturePosts();
const visible = all.filter((p) => p.published && p.publishedAt <= now);
const hidden = all.filter((p) => !p.published || p.publishedAt > now);

/** A D1 binding that fails every use, as an unreachable database does. */
function deadDb(calls: string[]): D1Database {
  const fail = (what: string) => () => {
    calls.push(what);
    return Promise.reject(new Error("D1_ERROR: Network connection lost."));
  };
  const stmt = { bind: () => stmt, all: fail("all"), first: fail("first"), run: fail("run"), raw: fail("raw") };
  const db = {
    prepare: (sql: string) => {
      calls.push(sql);
      return stmt;
    },
    batch: fail("batch"),
    exec: fail("exec"),
    withSession: () => db,
  };
  return db as unknown as D1Database;
}

async function withEnv(path: string, vars: Partial<Env>, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, init, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(async () => {
  await seedPosts(all);
});

describe("/healthz", () => {
  it("answers 200 {ok:true} without touching D1", async () => {
    const calls: string[] = [];
    const res = await withEnv("/healthz", { DB: deadDb(calls) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(calls).toEqual([]);
  });
});

describe("robots.txt", () => {
  it("allows crawling and names the sitemap", async () => {
    const res = await get("/robots.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toContain(`Sitemap: ${BASE}/sitemap.xml`);
    expect(res.headers.get("ETag")).toBeTruthy();
  });
});

describe("sitemaps", () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    htmlEntities: true,
    isArray: (name) => name === "sitemap" || name === "url",
  });

  it("index every visible post exactly once, across daily sitemaps", async () => {
    const res = await get("/sitemap.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    const index = parser.parse(await res.text());
    expect(index.sitemapindex["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    const locs: string[] = index.sitemapindex.sitemap.map((s: { loc: string }) => s.loc);
    for (const loc of locs) expect(loc).toMatch(new RegExp(`^${BASE}/sitemaps/\\d{4}-\\d{2}-\\d{2}(-\\d+)?\\.xml$`));
    expect(new Set(locs).size).toBe(locs.length);

    const urls: string[] = [];
    for (const loc of locs) {
      const month = await get(loc);
      expect(month.status, loc).toBe(200);
      const doc = parser.parse(await month.text());
      for (const u of doc.urlset.url ?? []) {
        expect(u.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        urls.push(u.loc);
      }
    }
    expect(urls.length).toBe(new Set(urls).size);
    expect(new Set(urls)).toEqual(new Set(visible.map((p) => `${BASE}${p.path}`)));
    for (const p of hidden) expect(urls).not.toContain(`${BASE}${p.path}`);
  });

  it("escapes URLs as XML (Jekyll keeps & in paths)", async () => {
    const post = all.find((p) => p.path.includes("&"));
    expect(post).toBeDefined();
    const d = new Date(post?.publishedAt as number);
    const day = d.toISOString().slice(0, 10);
    const xml = await (await get(`/sitemaps/${day}.xml`)).text();
    expect(xml).toContain(`${BASE}${post?.path.replaceAll("&", "&#38;")}`);
    expect(xml).not.toMatch(/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/);
  });

  it("splits a day of more than 50,000 posts into numbered parts", () => {
    const day = Date.UTC(2024, 2, 4) / 86_400_000;
    expect(dayFiles(day, 1)).toEqual(["2024-03-04"]);
    expect(dayFiles(day, 50_000)).toEqual(["2024-03-04"]);
    expect(dayFiles(day, 50_001)).toEqual(["2024-03-04", "2024-03-04-2"]);
    expect(dayFiles(day, 180_000)).toEqual(["2024-03-04", "2024-03-04-2", "2024-03-04-3", "2024-03-04-4"]);
  });

  it("answers 404 for a day that is not one, and sends the monthly sitemaps of before to the index", async () => {
    for (const path of [
      "/sitemaps/2022-13-01.xml",
      "/sitemaps/2022-02-30.xml",
      "/sitemaps/x.xml",
      "/sitemaps/2022-6-1.xml",
      "/sitemaps/2022-06-01-0.xml",
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
    const month = await get("/sitemaps/2022-06.xml");
    expect(month.status).toBe(301);
    expect(month.headers.get("Location")).toBe(`${BASE}/sitemap.xml`);
  });

  it("reads one day with one range query, whatever else is stored", async () => {
    await seedPosts(
      Array.from({ length: 40 }, (_, i) =>
        makePost({ slug: `sm-${i}`, path: `/sm/2019/03/01/sm-${i}.html`, publishedAt: Date.UTC(2019, 2, 1) + i * 2_000_000 }),
      ),
    );
    const calls: string[] = [];
    const home = shardAt(archiveShards(), Date.UTC(2019, 2, 1));
    const recording = {
      prepare: (sql: string) => {
        calls.push(sql);
        return home.db.prepare(sql);
      },
      batch: home.db.batch.bind(home.db),
      withSession: () => recording,
    } as unknown as D1Database;
    const res = await withEnv(`/sitemaps/2019-03-01.xml?fresh=${crypto.randomUUID()}`, {
      [home.name]: recording,
    } as Partial<Env>);
    const xml = await res.text();
    expect(xml.match(/<url>/g)?.length).toBe(40);
    expect(calls.length).toBe(1);
    expect(calls[0]).toMatch(/INDEXED BY posts_published_time/);
  });
});

describe("the request guard", () => {
  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("answers %s with a 405 page and Allow", async (method) => {
    for (const path of ["/", "/healthz", "/emnews/2021/12/08/202112082206978381.html", "/nowhere"]) {
      const res = await get(path, { method, body: method === "POST" || method === "PUT" ? "x" : undefined });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("不支持的请求方法");
    }
  });

  it("answers 405 before touching D1", async () => {
    const calls: string[] = [];
    const res = await withEnv("/", { DB: deadDb(calls) }, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(calls).toEqual([]);
  });

  it("answers 414 for an oversized URL or query, before touching D1", async () => {
    for (const path of [`/${"a".repeat(2100)}`, `/?x=${"b".repeat(1100)}`, `/category/${"c".repeat(2050)}.html`]) {
      const calls: string[] = [];
      const res = await withEnv(path, { DB: deadDb(calls) });
      expect(res.status, path.slice(0, 20)).toBe(414);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("链接过长");
      expect(calls).toEqual([]);
    }
    expect((await get(`/?x=${"b".repeat(1000)}`)).status).toBe(200);
  });
});

describe("security headers", () => {
  const htmlPaths: [string, number, RequestInit?][] = [
    ["/", 200],
    ["/categories.html", 200],
    ["/category/emnews.html", 200],
    [`/tag/${encodeURIComponent("东财滚动新闻")}.html`, 200],
    [(visible[0]?.path as string) ?? "/", 200],
    ["/no/such/page", 404],
    ["/?before=bad", 400],
    ["/html_News/NewsShare.html?infoCode=bad", 400],
    ["/", 405, { method: "POST", body: "x" }],
    [`/?q=${"x".repeat(3000)}`, 414],
  ];

  it.each(htmlPaths)("%s (%i) carries CSP and friends", async (path, status, init) => {
    const res = await get(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html; charset=utf-8/i);
    expect(res.headers.get("Content-Security-Policy")).toBe(CSP);
    expect(CSP).toMatch(/script-src 'none'/);
    expect(CSP).toMatch(/frame-ancestors 'none'/);
    expect(CSP).toMatch(/object-src 'none'/);
    expect(CSP).toMatch(/base-uri 'none'/);
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"\/>/);
    // nothing a CSP without 'unsafe-inline' would block and log
    expect(html).not.toMatch(/<style|<script(?! type="application\/ld\+json")/);
  });

  it("sets nosniff on non-HTML responses too", async () => {
    for (const path of ["/healthz", "/robots.txt", "/sitemap.xml", "/assets/site.css", "/favicon.svg"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
    }
  });

  it("serves the stylesheet and icon the pages reference", async () => {
    const css = await get("/assets/site.css");
    expect(css.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    const text = await css.text();
    expect(text).toContain("prefers-color-scheme:dark");
    expect(text).toContain("@media");
    const icon = await get("/favicon.svg");
    expect(icon.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(await icon.text()).toMatch(/^<svg /);
  });
});

describe("failures", () => {
  it("turn a database outage into a 503 page with Retry-After, never a stack trace", async () => {
    for (const path of [
      "/",
      "/category/emnews.html",
      (visible[0]?.path as string) ?? "/",
      "/html_News/NewsShare.html?infoCode=NW202611213301000003",
    ]) {
      // Every database of the setup fails (the page's post may live in any of them).
      const dead = Object.fromEntries(archiveShards().map((sh) => [sh.name, deadDb([])]));
      const res = await withEnv(`${path}${path.includes("?") ? "&" : "?"}outage=${crypto.randomUUID()}`, dead as Partial<Env>);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("30");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body).toContain("服务暂时不可用");
      expect(body).not.toMatch(/D1_ERROR|at \w+ \(|Error:/);
    }
  });

  it("ignore a forged cf-ray that is not a ray id", async () => {
    const res = await get("/no/such/page", { headers: { "cf-ray": "<script>x</script>" } });
    expect(res.headers.get("X-Request-Id")).not.toContain("<");
    expect(await res.text()).not.toContain("<script>x");
    const ok = await get("/no/such/page", { headers: { "cf-ray": "8f1a2b3c4d5e6f70-SJC" } });
    expect(ok.headers.get("X-Request-Id")).toBe("8f1a2b3c4d5e6f70-SJC");
  });
});
