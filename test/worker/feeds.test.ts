/**
 * @module test/worker/feeds
 * The feed URL contract, content and HTTP behaviour, through the Worker's own
 * fetch handler over a migrated local D1.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { PostRecord } from "../../src/content/types";
import { squash, stripHtml } from "../../src/content/text";
import type { FeedFormat } from "../../src/urls";
import { parseFeed } from "./feed-parse";
import { BASE, fixturePosts, get, makePost, seedPosts } from "./helpers";

const FORMATS: FeedFormat[] = ["atom", "rss", "json"];
const TYPES = {
  atom: "application/atom+xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};
const LIVE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400";
/** When the seeded rows were written (their updated_at); before every fixture's date but one. */
const SEEDED_AT = Date.UTC(2025, 0, 1);

const sitePaths: Record<FeedFormat, string> = { atom: "/feed.xml", rss: "/rss.xml", json: "/feed.json" };
const categoryPaths = (name: string): [FeedFormat, string][] => [
  ["atom", `/feed/${name}.xml`],
  ["atom", `/category/${name}/atom.xml`],
  ["rss", `/category/${name}/rss.xml`],
  ["json", `/category/${name}/feed.json`],
];
const tagPaths = (name: string): [FeedFormat, string][] => [
  ["atom", `/feed/by_tag/${name}.xml`],
  ["atom", `/tag/${name}/atom.xml`],
  ["rss", `/tag/${name}/rss.xml`],
  ["json", `/tag/${name}/feed.json`],
];

// Every hostile character class: C0/C1 controls, DEL, U+FFFE, lone surrogates, `]]>` (twice), `&`, `<`, entity look-alikes.
const NASTY =
  "a\u0000b\u0001\u0008\u000b\u000c\u001f\u007f\u0085\ufffe\uffff ]]> ]]]]> & &amp; &#0; < <b>x</b> \ud800 \udc00 '\"";
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g, "");

const hostile: PostRecord[] = [
  makePost({
    slug: "feed-nasty-1",
    title: `标题 ${NASTY}`,
    summary: `摘要 ${NASTY}`,
    bodyHtml: `<p>正文 ]]> 与 ]]> &amp; &lt;x&gt; \u0001 <a href="/category/emnews.html">相对</a> <a href="../up/x.html?a=1&amp;b=2">上级</a> <img src="//img.example.com/p/a.JPG" alt="a"> <a href="#top">顶</a> <a href="mailto:x@example.com">m</a></p>`,
    firstImage: "https://img.example.com/p/a.JPG",
    categories: ["Nasty&<]]>Cat"],
    categoriesRaw: "Nasty&<]]>Cat",
    tags: ["坏标签&<]]>"],
    path: "/nasty&%3C%5D%5D%3Ecat/2024/01/03/feed-nasty-1.html",
    publishedAt: Date.UTC(2024, 0, 3, 1, 2, 3),
  }),
  makePost({
    slug: "feed-nasty-2",
    title: "第二篇 ]]>]]> & <",
    summary: "",
    bodyHtml: "",
    categories: ["Nasty&<]]>Cat", "Second"],
    categoriesRaw: "Nasty&<]]>Cat Second",
    tags: ["坏标签&<]]>", "second-tag"],
    path: "/nasty&%3C%5D%5D%3Ecat/second/2024/01/04/feed-nasty-2.html",
    firstImage: "https://img.example.com/chart/GetPic.aspx?nid=1&x=2",
    publishedAt: Date.UTC(2024, 0, 4, 1, 2, 3),
  }),
];
const hostileLabel = "坏标签&<]]>";
const enc = encodeURIComponent;
const NASTY_CAT = enc("Nasty&<]]>Cat");
const NASTY_TAG = enc(hostileLabel);

function visibleFixtures() {
  return fixturePosts()
    .filter((p) => p.published && p.publishedAt <= Date.now())
    .sort((a, b) => b.publishedAt - a.publishedAt);
}

async function fetchFeed(format: FeedFormat, path: string) {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type"), path).toBe(TYPES[format]);
  return { res, feed: parseFeed(format, await res.text()) };
}

beforeAll(async () => {
  await seedPosts([...fixturePosts(), ...hostile], SEEDED_AT);
});

describe("feed URLs", () => {
  it("serves the site feeds in all three formats", async () => {
    const newest = visibleFixtures()[0];
    for (const format of FORMATS) {
      const { feed } = await fetchFeed(format, sitePaths[format]);
      expect(feed.entries[0]?.link).toBe(`${BASE}${newest?.path}`);
    }
  });

  it("serves a category at jekyll-feed's path and next to its page, case-insensitively", async () => {
    for (const name of ["emnews", "EmNews", "EMNEWS"]) {
      for (const [format, path] of categoryPaths(name)) {
        const { feed } = await fetchFeed(format, path);
        expect(feed.entries.length, path).toBeGreaterThan(0);
        for (const e of feed.entries) expect(e.categories, path).toContain("emnews");
      }
    }
  });

  it("serves a raw `categories:` string and a category with markup characters in its name", async () => {
    for (const [format, path] of [...categoryPaths(enc("Nasty&<]]>Cat Second")), ...categoryPaths(NASTY_CAT)]) {
      const { feed } = await fetchFeed(format, path);
      expect(feed.entries.length, path).toBe(path.includes("Second") ? 1 : 2);
    }
  });

  it("serves a tag at jekyll-feed's path and next to its page", async () => {
    for (const [format, path] of [...tagPaths(enc("东财滚动新闻")), ...tagPaths(NASTY_TAG)]) {
      const { feed } = await fetchFeed(format, path);
      expect(feed.entries.length, path).toBeGreaterThan(0);
    }
  });

  it("answers 404, not an empty feed, for an unknown category or tag", async () => {
    for (const [, path] of [...categoryPaths("no-such-category"), ...tagPaths("no-such-tag")]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(/no-such/);
    }
    // An empty name never reaches the feed routes: the site's 404 page.
    expect((await get("/feed/.xml")).status).toBe(404);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    for (const [format, path] of [...categoryPaths("emnews"), ["json", "/feed.json"] as [FeedFormat, string]]) {
      const g = await get(path);
      const h = await get(path, { method: "HEAD" });
      expect(h.status, path).toBe(200);
      expect(h.headers.get("content-type")).toBe(TYPES[format]);
      expect(h.headers.get("etag")).toBe(g.headers.get("etag"));
      expect(h.headers.get("last-modified")).toBe(g.headers.get("last-modified"));
      expect(await h.text()).toBe("");
    }
  });

  it("takes ?limit= from 1 to FEED_MAX_ITEMS; by default the window, here 20 (the fixtures are older than a day)", async () => {
    const total = visibleFixtures().length + hostile.length;
    expect(total).toBeGreaterThan(20);
    for (const format of FORMATS) {
      expect((await fetchFeed(format, sitePaths[format])).feed.entries).toHaveLength(20);
      expect((await fetchFeed(format, `${sitePaths[format]}?limit=1`)).feed.entries).toHaveLength(1);
      expect((await fetchFeed(format, `${sitePaths[format]}?limit=100`)).feed.entries).toHaveLength(Math.min(100, total));
    }
  });

  it("rejects a malformed limit or cursor with a 400 that says why", async () => {
    for (const q of [
      "limit=0",
      "limit=1001",
      "limit=-1",
      "limit=abc",
      "limit=1.5",
      "limit=",
      "limit=1e2",
      "limit=%205",
      "limit=9999",
    ]) {
      for (const path of ["/feed.xml", "/category/emnews/rss.xml", "/tag/no-such-tag/feed.json"]) {
        const res = await get(`${path}?${q}`);
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(await res.text()).toMatch(/limit/);
      }
    }
    for (const q of ["before=x", "before=1.", "before=.1", "before=1-2"]) {
      const res = await get(`/feed.json?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text()).toMatch(/before/);
    }
  });

  it("pages with RFC 5005 next links over the keyset cursor, without gaps or repeats", async () => {
    const all = (await fetchFeed("json", "/feed.json?limit=100")).feed.entries.map((e) => e.link);
    expect(all.length).toBeGreaterThan(14);
    for (const format of FORMATS) {
      const seen: string[] = [];
      let next: string | null = `${BASE}${sitePaths[format]}?limit=7`;
      let pages = 0;
      while (next) {
        const { feed } = await fetchFeed(format, next);
        // JSON Feed's feed_url names the feed (its first page); Atom/RSS self links name this page.
        expect(feed.self).toBe(format === "json" ? `${BASE}${sitePaths[format]}?limit=7` : next);
        seen.push(...feed.entries.map((e) => e.link));
        next = feed.next;
        if (next) expect(next).toMatch(/[?&]limit=7&before=\d+\.\d+$/);
        expect(++pages).toBeLessThan(50);
      }
      expect(seen).toEqual(all);
    }
  });
});

describe("feed content", () => {
  it("stays well-formed and keeps the text for posts full of hostile characters", async () => {
    for (const [format, path] of [...categoryPaths(NASTY_CAT), ...tagPaths(NASTY_TAG)]) {
      const { feed } = await fetchFeed(format, path);
      const [second, first] = feed.entries;
      expect(
        // Titles are text in feeds: markup removed, whitespace collapsed, as jekyll-feed's strip_html | normalize_whitespace.
        first?.title.startsWith(
          squash(
            stripHtml(
              `标题 ${clean("a\u0000b\u0001\u0008\u000b\u000c\u001f\u007f\u0085\ufffe\uffff ]]> ]]]]> & &amp; &#0; < <b>x</b>")}`,
            ),
          ),
        ),
        path,
      ).toBe(true);
      expect(second?.title, path).toBe("第二篇 ]]>]]> & <");
      expect(first?.summary.startsWith("摘要 ab ]]> ]]]]> & &amp; &#0; < <b>x</b>"), path).toBe(true);
      expect(first?.categories, path).toEqual(["Nasty&<]]>Cat", hostileLabel]);
      expect(second?.categories, path).toEqual(["Nasty&<]]>Cat", "Second", hostileLabel, "second-tag"]);
      expect(feed.title, path).toBe(hostileLabel);
    }
  });

  it("writes jekyll-feed's ids, absolute links, dates, author, categories and summary", async () => {
    const post = visibleFixtures().find((p) => p.categories.length && p.tags.length && p.summary) as PostRecord;
    const cat = post.categories[0] as string;
    for (const [format, path] of categoryPaths(enc(cat))) {
      const { feed } = await fetchFeed(format, `${path}?limit=100`);
      const e = feed.entries.find((x) => x.link === `${BASE}${post.path}`);
      expect(e, path).toBeDefined();
      if (!e) continue;
      expect(e.id).toBe(format === "rss" ? `${BASE}${post.path}` : `${BASE}${post.path.replace(/\.html$/, "")}`);
      expect(e.title).toBe(post.title);
      expect(e.published).toBe(Math.floor(post.publishedAt / 1000) * 1000);
      // Stored once (created = updated): not an edit, so updated is the publication time, as in jekyll-feed.
      if (e.updated !== null) expect(e.updated).toBe(post.publishedAt);
      expect(e.author).toBe("ZNing");
      expect(e.categories).toEqual([...post.categories, ...post.tags]);
      expect(e.summary).toBe(post.summary);
      expect(e.content).toContain(post.summary.slice(0, 8));
    }
  });

  it("makes every relative URL in the content absolute, against the post's own URL", async () => {
    for (const [format, path] of categoryPaths(NASTY_CAT)) {
      const { feed } = await fetchFeed(format, path);
      const content = feed.entries[1]?.content ?? "";
      expect(content).toContain(`href="${BASE}/category/emnews.html"`);
      expect(content).toContain(`href="${BASE}/nasty&amp;%3C%5D%5D%3Ecat/2024/01/up/x.html?a=1&amp;b=2"`);
      expect(content).toContain('src="https://img.example.com/p/a.JPG"');
      expect(content).toContain(`href="${BASE}/nasty&amp;%3C%5D%5D%3Ecat/2024/01/03/feed-nasty-1.html#top"`);
      expect(content).toContain('href="mailto:x@example.com"');
      for (const { content: c } of (await fetchFeed(format, `${sitePaths[format]}?limit=100`)).feed.entries) {
        expect(c).not.toMatch(/\s(?:href|src)="(?!https?:|mailto:)/);
      }
      // A post with an empty body still carries content (its title), so readers show something.
      expect(feed.entries[0]?.content).toBe("<p>第二篇 ]]&gt;]]&gt; &amp; &lt;</p>");
    }
  });

  it("gives the first image as enclosure (typed) or JSON Feed image", async () => {
    for (const [format, path] of categoryPaths(NASTY_CAT)) {
      const { feed } = await fetchFeed(format, path);
      const [second, first] = feed.entries;
      const url = "https://img.example.com/p/a.JPG";
      expect(first?.image, path).toEqual({ url, type: format === "json" ? null : "image/jpeg" });
      // The chart widget has no recognisable media type: no enclosure, but JSON Feed's image needs none.
      expect(second?.image, path).toEqual(
        format === "json" ? { url: "https://img.example.com/chart/GetPic.aspx?nid=1&x=2", type: null } : null,
      );
    }
  });

  it("describes the channel: label as title, absolute self and alternate links, language, newest update, generator", async () => {
    for (const [format, path] of categoryPaths(NASTY_CAT)) {
      const { res, feed } = await fetchFeed(format, path);
      expect(feed.title).toBe(hostileLabel);
      expect(feed.self).toBe(`${BASE}${path}`);
      expect(feed.alternate).toBe(`${BASE}/category/${NASTY_CAT}.html`);
      expect(feed.lang).toBe("zh-CN");
      // The channel's updated is its newest entry; Last-Modified is the newest stored change (the seed time).
      expect(feed.updated).toBe(Math.max(...hostile.map((p) => p.publishedAt)));
      expect(Date.parse(res.headers.get("last-modified") ?? "")).toBe(Math.max(SEEDED_AT, ...hostile.map((p) => p.publishedAt)));
      if (format !== "json") expect(feed.generator).toBe("finews-edge");
    }
    for (const format of FORMATS) {
      const { feed } = await fetchFeed(format, sitePaths[format]);
      expect(feed.title).toBe("金融消息");
      expect(feed.self).toBe(`${BASE}${sitePaths[format]}`);
      expect(feed.alternate).toBe(`${BASE}/`);
      // The channel is dated by its newest entry, never by the request.
      const newest = Math.max(...feed.entries.map((e) => e.updated ?? e.published));
      expect(feed.updated).toBe(newest);
    }
  });
});

/** Runs a request through the app with a D1 that records every statement (SQL and bound values). */
async function traced(path: string, init?: RequestInit) {
  const queries: { sql: string; params: unknown[] }[] = [];
  const db = {
    prepare(sql: string) {
      const entry = { sql, params: [] as unknown[] };
      queries.push(entry);
      const stmt = env.DB.prepare(sql);
      return new Proxy(stmt, {
        get(target, prop) {
          if (prop === "bind") {
            return (...params: unknown[]) => {
              entry.params = params;
              return target.bind(...params);
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    },
    batch: (stmts: D1PreparedStatement[]) => env.DB.batch(stmts),
  };
  const url = `${BASE}${path}`;
  // Start from a cold edge cache, so the validator (not a cached copy) answers.
  await caches.default.delete(new Request(url));
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, init), { ...env, DB: db } as unknown as Env, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, queries };
}

/** The statement's query plan, after checking that every table is reached through an index, in index order. */
async function indexedPlan(q: { sql: string; params: unknown[] } | undefined): Promise<string> {
  expect(q).toBeDefined();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q?.sql}`)
    .bind(...(q?.params ?? []))
    .all<{ detail: string }>();
  for (const { detail } of results) {
    expect(detail, q?.sql).not.toMatch(/^SCAN (?!\(?subquery)/);
    expect(detail, q?.sql).not.toMatch(/TEMP B-TREE/);
  }
  return results.map((r) => r.detail).join("\n");
}

describe("feed HTTP caching", () => {
  const cases: [FeedFormat, string][] = [
    ["atom", "/feed.xml"],
    ["rss", "/rss.xml?limit=50"],
    ["json", "/category/emnews/feed.json"],
    ["atom", "/feed/EMNEWS.xml"],
    ["rss", `/tag/${enc("东财滚动新闻")}/rss.xml`],
    ["json", `/category/${enc("Nasty&<]]>Cat Second")}/feed.json`],
  ];

  it("marks an entry updated only when its stored content changed after it was first stored", async () => {
    const base = makePost({
      slug: "feed-edited",
      categories: ["edited-cat"],
      categoriesRaw: "edited-cat",
      path: "/edited-cat/2024/01/02/feed-edited.html",
    });
    await seedPosts([base], SEEDED_AT);
    const before = parseFeed("atom", await (await get("/feed/edited-cat.xml")).text()).entries[0];
    expect(before?.updated).toBe(base.publishedAt);
    const editedAt = SEEDED_AT + 3_600_000;
    await seedPosts([{ ...base, title: "edited title", hash: "edited-hash" }], editedAt);
    const after = parseFeed("atom", await (await get("/feed/edited-cat.xml?limit=5")).text()).entries[0];
    expect(after?.title).toBe("edited title");
    expect(after?.updated).toBe(editedAt);
    expect(after?.published).toBe(base.publishedAt);
  });

  it("sends ETag, Last-Modified (the newest change shown) and Cache-Control for polling readers", async () => {
    for (const [format, path] of cases) {
      const { res, body } = await traced(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("etag"), path).toMatch(/^"[^"]+"$/);
      expect(res.headers.get("cache-control"), path).toBe(LIVE_CACHE_CONTROL);
      const feed = parseFeed(format, body);
      const newest = Math.max(...feed.entries.map((e) => Math.max(e.updated ?? 0, e.published)));
      expect(Date.parse(res.headers.get("last-modified") ?? "")).toBeGreaterThanOrEqual(newest);
    }
  });

  it("answers a current ETag or date with an empty 304 after one small indexed query, without rendering", async () => {
    for (const [, path] of cases) {
      const first = await traced(path);
      const etag = first.res.headers.get("etag") as string;
      const lastModified = first.res.headers.get("last-modified") as string;
      const variants: Record<string, string>[] = [
        { "If-None-Match": etag },
        { "If-None-Match": `"other", W/${etag}` },
        { "If-Modified-Since": lastModified },
      ];
      for (const headers of variants) {
        const { res, body, queries } = await traced(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(304);
        expect(body).toBe("");
        expect(res.headers.get("etag")).toBe(etag);
        expect(queries, path).toHaveLength(1);
        const [q] = queries;
        expect(q?.sql).toMatch(/count\(\*\)/);
        expect(q?.sql).not.toMatch(/body_html/);
        expect(await indexedPlan(q)).toMatch(/SEARCH (p|t) USING/);
      }
    }
  });

  it("also answers 304 through the edge cache, and 200 to a stale validator", async () => {
    const path = "/category/emnews/atom.xml";
    const fresh = await get(path);
    const etag = fresh.headers.get("etag") as string;
    const again = await get(path, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await get(path, { headers: { "If-None-Match": '"r1-stale"' } });
    expect(other.status).toBe(200);
    expect((await other.text()).length).toBeGreaterThan(100);
  });

  it("reads the items of any feed in one indexed query, whatever the limit", async () => {
    for (const [, path] of cases) {
      const counts: number[] = [];
      for (const limit of [1, 100]) {
        const base = path.replace(/[?&]limit=\d+/, "");
        const { res, queries } = await traced(`${base}${base.includes("?") ? "&" : "?"}limit=${limit}&before=9999999999999.1`);
        expect(res.status).toBe(200);
        const items = queries.filter((q) => /body_html/.test(q.sql));
        expect(items, path).toHaveLength(1);
        expect(await indexedPlan(items[0]), path).toMatch(/SEARCH (p|t) USING (COVERING )?INDEX/);
        for (const q of queries) await indexedPlan(q);
        counts.push(queries.length);
      }
      expect(counts[0], path).toBe(counts[1]);
      expect(counts[0], path).toBeLessThanOrEqual(2);
    }
  });

  it("changes the ETag when a post is added to the feed, and not for other feeds", async () => {
    const before = await traced("/feed/fresh-cat.xml");
    expect(before.res.status).toBe(404);
    const other = (await traced("/category/emnews/rss.xml")).res.headers.get("etag");
    await seedPosts(
      [
        makePost({
          slug: "feed-fresh-1",
          categories: ["fresh-cat"],
          categoriesRaw: "fresh-cat",
          path: "/fresh-cat/2024/01/02/feed-fresh-1.html",
        }),
      ],
      SEEDED_AT,
    );
    const one = await traced("/feed/fresh-cat.xml");
    expect(one.res.status).toBe(200);
    await seedPosts(
      [
        makePost({
          slug: "feed-fresh-2",
          categories: ["fresh-cat"],
          categoriesRaw: "fresh-cat",
          path: "/fresh-cat/2024/01/05/feed-fresh-2.html",
          publishedAt: Date.UTC(2024, 0, 5),
        }),
      ],
      SEEDED_AT,
    );
    const two = await traced("/feed/fresh-cat.xml", { headers: { "If-None-Match": one.res.headers.get("etag") as string } });
    expect(two.res.status).toBe(200);
    expect(two.res.headers.get("etag")).not.toBe(one.res.headers.get("etag"));
    expect(parseFeed("atom", two.body).entries).toHaveLength(2);
    expect((await traced("/category/emnews/rss.xml")).res.headers.get("etag")).toBe(other);
  });

  it("hides scheduled and unpublished posts until they are due", async () => {
    const now = Date.now();
    await seedPosts(
      [
        makePost({
          slug: "feed-sched-0",
          categories: ["sched-cat"],
          categoriesRaw: "sched-cat",
          path: "/sched-cat/2024/01/01/feed-sched-0.html",
        }),
        makePost({
          slug: "feed-sched-1",
          categories: ["sched-cat"],
          categoriesRaw: "sched-cat",
          publishedAt: now + 86400_000,
          path: "/sched-cat/x/feed-sched-1.html",
        }),
        makePost({
          slug: "feed-sched-2",
          categories: ["sched-cat"],
          categoriesRaw: "sched-cat",
          published: false,
          path: "/sched-cat/x/feed-sched-2.html",
        }),
      ],
      SEEDED_AT,
    );
    for (const format of FORMATS) {
      const path = categoryPaths("sched-cat").find(([f]) => f === format)?.[1] as string;
      const { feed } = await fetchFeed(format, path);
      expect(feed.entries.map((e) => e.link)).toEqual([`${BASE}/sched-cat/2024/01/01/feed-sched-0.html`]);
    }
  });
});
