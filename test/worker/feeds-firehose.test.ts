/**
 * Feeds for a firehose: the time window (every item of the last day, at
 * least 20, at most FEED_MAX_ITEMS), `?limit`, paging across windows, full
 * bodies for the first FEED_FULL_ITEMS only, WebSub hub links and pings from
 * the Cron Trigger, posts falling due, the entry backfill, and the OPML list.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { XMLParser } from "fast-xml-parser";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { saveFeedEntries } from "../../src/db/entries";
import worker from "../../src/index";
import type { FeedFormat } from "../../src/urls";
import { parseFeed } from "./feed-parse";
import { BASE, makePost, seedPosts } from "./helpers";

const HOUR = 3_600_000;
const NOW = Date.now();
const FORMATS: FeedFormat[] = ["atom", "rss", "json"];
const feedPath = (cat: string, f: FeedFormat) => `/category/${cat}/${f === "json" ? "feed.json" : `${f}.xml`}`;

async function request(path: string, vars: Partial<Record<string, string>> = {}, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(path.startsWith("http") ? path : `${BASE}${path}`, init, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function feedOf(path: string, vars: Partial<Record<string, string>> = {}) {
  const res = await request(path, vars);
  expect(res.status, path).toBe(200);
  const format: FeedFormat = path.includes("json") ? "json" : path.includes("rss") ? "rss" : "atom";
  return { res, feed: parseFeed(format, await res.text()) };
}

const post = (slug: string, cat: string, publishedAt: number, over: Parameters<typeof makePost>[0] | object = {}) =>
  makePost({
    slug,
    categories: [cat],
    categoriesRaw: cat,
    tags: [`${cat}-tag`],
    path: `/${cat}/2024/01/02/${slug}.html`,
    publishedAt,
    summary: `摘要 ${slug}`,
    bodyHtml: `<p>正文 ${slug} ${"长".repeat(40)}</p>`,
    ...over,
  });

describe("time-window feeds", () => {
  beforeAll(async () => {
    // A busy source: 60 posts over the last 23 hours, and 15 from two to three days ago.
    await seedPosts([
      ...Array.from({ length: 60 }, (_, i) => post(`busy-${i}`, "busycat", NOW - (i + 1) * 23 * 60_000)),
      ...Array.from({ length: 15 }, (_, i) => post(`busy-old-${i}`, "busycat", NOW - 48 * HOUR - i * HOUR)),
    ]);
    // A quiet source: 3 posts today, 40 older.
    await seedPosts([
      ...Array.from({ length: 3 }, (_, i) => post(`quiet-${i}`, "quietcat", NOW - (i + 1) * HOUR)),
      ...Array.from({ length: 40 }, (_, i) => post(`quiet-old-${i}`, "quietcat", NOW - (5 + i) * 24 * HOUR)),
    ]);
  });

  it("hold every post of the window, in every format", async () => {
    for (const f of FORMATS) {
      const { feed } = await feedOf(feedPath("busycat", f));
      expect(feed.entries.length, f).toBe(60);
      expect(feed.entries[0]?.link).toBe(`${BASE}/busycat/2024/01/02/busy-0.html`);
      expect(feed.entries[59]?.link).toBe(`${BASE}/busycat/2024/01/02/busy-59.html`);
    }
  });

  it("hold at least FEED_MIN_ITEMS (20) however quiet the source", async () => {
    for (const f of FORMATS) expect((await feedOf(feedPath("quietcat", f))).feed.entries.length).toBe(20);
  });

  it("hold at most FEED_MAX_ITEMS, and FEED_WINDOW_HOURS sets the window", async () => {
    expect((await feedOf(feedPath("busycat", "atom"), { FEED_MAX_ITEMS: "25" })).feed.entries.length).toBe(25);
    // A 6-hour window: the 15 posts of the last 5.75 hours, raised to the minimum of 20.
    expect((await feedOf(feedPath("busycat", "rss"), { FEED_WINDOW_HOURS: "6" })).feed.entries.length).toBe(20);
    expect((await feedOf(feedPath("busycat", "json"), { FEED_WINDOW_HOURS: "12" })).feed.entries.length).toBe(31);
  });

  it("give exactly the newest N with ?limit=N, up to FEED_MAX_ITEMS", async () => {
    expect((await feedOf(`${feedPath("busycat", "json")}?limit=7`)).feed.entries.length).toBe(7);
    expect((await feedOf(`${feedPath("busycat", "json")}?limit=75`)).feed.entries.length).toBe(75);
    expect((await request(`${feedPath("busycat", "json")}?limit=26`, { FEED_MAX_ITEMS: "25" })).status).toBe(400);
  });

  it("page through the archive window by window with RFC 5005 next links, without gaps or repeats", async () => {
    for (const f of FORMATS) {
      const seen: string[] = [];
      let next: string | null = `${BASE}${feedPath("busycat", f)}`;
      for (let pages = 0; next; pages++) {
        expect(pages).toBeLessThan(10);
        const { feed } = await feedOf(next);
        seen.push(...feed.entries.map((e) => e.link));
        next = feed.next;
      }
      expect(seen.length).toBe(75);
      expect(new Set(seen).size).toBe(75);
    }
  });

  it("carry full bodies in the first FEED_FULL_ITEMS entries, the summary in the rest", async () => {
    for (const f of FORMATS) {
      const { feed } = await feedOf(feedPath("busycat", f), { FEED_FULL_ITEMS: "5" });
      expect(feed.entries.map((e) => e.content.includes("正文")).join(""), f).toBe(
        [...Array(5).fill(true), ...Array(55).fill(false)].join(""),
      );
      // JSON Feed carries a summary-only entry's summary as its content_text.
      for (const e of feed.entries) expect(e.summary || e.content).toMatch(/^摘要 busy-/);
    }
    const { feed } = await feedOf(feedPath("busycat", "atom"));
    expect(feed.entries.filter((e) => e.content.includes("正文")).length).toBe(20);
  });

  it("render the same document from the entries stored with each post as from none", async () => {
    const posts = [post("raw-0", "rawcat", NOW - HOUR), post("raw-1", "rawcat", NOW - 2 * HOUR, { title: "<b>粗体</b> 标题" })];
    const at = Date.now();
    await seedPosts(posts, at, { entries: false });
    for (const f of FORMATS) {
      // Distinct query strings: each request renders (the routes ignore the parameter).
      const live = await (await request(`${feedPath("rawcat", f)}?v=live`)).text();
      await seedPosts(posts, at);
      const stored = await (await request(`${feedPath("rawcat", f)}?v=stored`)).text();
      expect(stored).toBe(live);
      await seedPosts(posts, at, { entries: false });
    }
  });
});

describe("WebSub", () => {
  const HUB = "https://hub.example/publish";
  beforeAll(async () => {
    await seedPosts([post("hub-1", "hubcat", NOW - HOUR)]);
  });

  it("advertises the hub in every format and in a Link header, beside the feed's own self link", async () => {
    for (const [f, path] of [
      ["atom", "/category/hubcat/atom.xml"],
      ["rss", "/category/hubcat/rss.xml"],
      ["json", "/feed.json"],
      ["atom", "/feed/hubcat.xml"],
    ] as [FeedFormat, string][]) {
      const res = await request(path, { WEBSUB_HUB: HUB });
      const body = await res.text();
      expect(res.headers.get("Link"), path).toBe(`<${HUB}>; rel="hub", <${BASE}${path}>; rel="self"`);
      if (f === "json") {
        expect(JSON.parse(body).hubs).toEqual([{ type: "WebSub", url: HUB }]);
        continue;
      }
      const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(body);
      const links = (f === "atom" ? xml.feed.link : xml.rss.channel["atom:link"]) as { "@rel": string; "@href": string }[];
      expect(links.find((l) => l["@rel"] === "hub")?.["@href"]).toBe(HUB);
      expect(links.find((l) => l["@rel"] === "self")?.["@href"]).toBe(`${BASE}${path}`);
    }
  });

  it("advertises nothing without WEBSUB_HUB", async () => {
    for (const path of ["/category/hubcat/atom.xml", "/category/hubcat/rss.xml", "/category/hubcat/feed.json"]) {
      const res = await request(path);
      expect(res.headers.get("Link")).toBeNull();
      const body = await res.text();
      expect(body).not.toMatch(/rel="hub"|"hubs"/);
    }
  });
});

describe("the Cron Trigger: WebSub pings, posts falling due, stored entries", () => {
  const HUB = "https://hub.example/publish";
  const pings: string[] = [];
  let hubStatus = 204;
  afterEach(() => vi.restoreAllMocks());

  async function cron(vars: Partial<Record<string, string>> = { WEBSUB_HUB: HUB }) {
    pings.length = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      expect(url).toBe(HUB);
      expect(init?.method).toBe("POST");
      const form = new URLSearchParams(String(init?.body));
      expect(form.get("hub.mode")).toBe("publish");
      pings.push(form.get("hub.url") as string);
      return new Response(null, { status: hubStatus });
    });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), { ...env, ...vars } as Env, ctx);
    await waitOnExecutionContext(ctx);
    vi.restoreAllMocks();
    return [...pings].sort();
  }

  it("pings the hub once per changed feed after a write, and not again when nothing changed", async () => {
    await cron(); // the first run starts at the newest change
    await seedPosts([
      post("ping-1", "pingcat", NOW - HOUR, { tags: ["平标签"] }),
      post("ping-2", "pingcat", NOW - 2 * HOUR, { tags: ["平标签"] }),
    ]);
    const enc = encodeURIComponent("平标签");
    expect(await cron()).toEqual(
      [
        `${BASE}/feed.xml`,
        `${BASE}/rss.xml`,
        `${BASE}/feed.json`,
        `${BASE}/category/pingcat/atom.xml`,
        `${BASE}/category/pingcat/rss.xml`,
        `${BASE}/category/pingcat/feed.json`,
        `${BASE}/feed/pingcat.xml`,
        `${BASE}/tag/${enc}/atom.xml`,
        `${BASE}/tag/${enc}/rss.xml`,
        `${BASE}/tag/${enc}/feed.json`,
        `${BASE}/feed/by_tag/${enc}.xml`,
      ].sort(),
    );
    expect(await cron()).toEqual([]);
  });

  it("asks a failing hub again on the next run", async () => {
    await cron();
    await seedPosts([post("ping-3", "pingcat3", NOW - HOUR)]);
    hubStatus = 503;
    const failed = await cron();
    expect(failed.length).toBeGreaterThan(0);
    hubStatus = 204;
    expect(await cron()).toContain(`${BASE}/category/pingcat3/atom.xml`);
    expect(await cron()).toEqual([]);
  });

  it("pings nothing without WEBSUB_HUB", async () => {
    await seedPosts([post("ping-4", "pingcat4", NOW - HOUR)]);
    expect(await cron({})).toEqual([]);
  });

  it("records a scheduled post's lists when it falls due, so caches and the hub hear of it", async () => {
    await cron();
    const due = Date.now() + 1500;
    await seedPosts([post("due-1", "duecat", due)], Date.now());
    // Seeding itself changed the lists (the post is stored, not yet shown).
    expect(await cron()).toContain(`${BASE}/category/duecat/atom.xml`);
    const page = "/category/duecat.html";
    expect((await request(page)).status).toBe(404);
    await new Promise((r) => setTimeout(r, due - Date.now() + 50));
    // Due now: the next run records its lists changed again, and the hub hears of them.
    expect(await cron()).toContain(`${BASE}/category/duecat/atom.xml`);
    expect((await request(page)).status).toBe(200);
  });

  it("stores feed entries for posts inside the window that have none, and leaves older ones to the feeds", async () => {
    await seedPosts(
      [
        post("bare-1", "barecat", NOW - HOUR),
        post("bare-2", "barecat", NOW - 2 * HOUR),
        post("bare-old", "barecat", NOW - 10 * 24 * HOUR),
      ],
      NOW,
      { entries: false },
    );
    const keys = () => storedKeys(["bare-1", "bare-2", "bare-old"]);
    expect(await keys()).toEqual([null, null, null]);
    // The backfill walks the posts newest first, 50 a run, down to the window's start.
    for (let i = 0; i < 30 && (await keys()).slice(0, 2).includes(null); i++) await cron({});
    const [k1, k2, old] = await keys();
    for (const k of [k1, k2]) expect(k).toMatch(/^[0-9a-f]{12}-\w+:\d+$/);
    expect(old).toBeNull();
    for (let i = 0; i < 3; i++) await cron({});
    expect((await keys())[2]).toBeNull();
  });
});

/** Stored feed keys of the given slugs, in that order. */
async function storedKeys(slugs: string[]): Promise<(string | null)[]> {
  const { results } = await env.DB.prepare(`SELECT slug, feed_key FROM posts WHERE slug IN (${slugs.map(() => "?").join(", ")})`)
    .bind(...slugs)
    .all<{ slug: string; feed_key: string | null }>();
  const by = new Map(results.map((r) => [r.slug, r.feed_key]));
  return slugs.map((s) => by.get(s) ?? null);
}

describe("entries a feed renders are stored for the next rendering", () => {
  const KEY = /^[0-9a-f]{12}-\w+:\d+$/;

  it("stores a quiet source's entries in all three formats when its feed first shows them", async () => {
    const slugs = Array.from({ length: 5 }, (_, i) => `store-${i}`);
    await seedPosts(
      slugs.map((s, i) => post(s, "storecat", NOW - (10 + i) * 24 * HOUR)),
      NOW,
      { entries: false },
    );
    expect(await storedKeys(slugs)).toEqual(slugs.map(() => null));
    const first = await (await request(feedPath("storecat", "rss"))).text();
    for (const k of await storedKeys(slugs)) expect(k).toMatch(KEY);
    const { results } = await env.DB.prepare("SELECT feed_atom, feed_rss, feed_json FROM posts WHERE slug LIKE 'store-%'").all<
      Record<string, string | null>
    >();
    for (const r of results) for (const v of Object.values(r)) expect(v).toBeTruthy();
    // The next rendering joins them, and it is the same document; so is every other format.
    expect(await (await request(`${feedPath("storecat", "rss")}?v=2`)).text()).toBe(first);
    for (const f of FORMATS) expect((await feedOf(feedPath("storecat", f))).feed.entries).toHaveLength(5);
  });

  it("stores at most 50 a request, the rest on later ones", async () => {
    const slugs = Array.from({ length: 70 }, (_, i) => `many-${i}`);
    await seedPosts(
      slugs.map((s, i) => post(s, "manycat", NOW - 10 * 24 * HOUR - i * HOUR)),
      NOW,
      { entries: false },
    );
    const stored = async () => (await storedKeys(slugs)).filter((k) => k !== null).length;
    const { feed } = await feedOf(`${feedPath("manycat", "atom")}?limit=70`);
    expect(feed.entries).toHaveLength(70);
    expect(await stored()).toBe(50);
    await feedOf(`${feedPath("manycat", "atom")}?limit=70&v=2`);
    expect(await stored()).toBe(70);
  });

  it("stores nothing for a loopback origin, whose links are local", async () => {
    await seedPosts([post("loop-1", "loopcat", NOW - 10 * 24 * HOUR)], NOW, { entries: false });
    const res = await request(`http://localhost:8787${feedPath("loopcat", "atom")}`);
    expect(await res.text()).toContain("http://localhost:8787/loopcat/");
    expect(await storedKeys(["loop-1"])).toEqual([null]);
  });

  it("never replaces the entries of a post changed since they were rendered", async () => {
    await seedPosts([post("race-1", "racecat", NOW - HOUR)], NOW);
    const row = await env.DB.prepare(
      "SELECT id, published_at, updated_at, feed_key, feed_atom FROM posts WHERE slug = 'race-1'",
    ).first<{
      id: number;
      published_at: number;
      updated_at: number;
      feed_key: string;
      feed_atom: string;
    }>();
    const stale = { key: "old-rendering:1", atom: "<entry>old</entry>", rss: "<item>old</item>", json: "{}" };
    const only = [{ name: "DB", from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, db: env.DB }];
    await saveFeedEntries(only, [
      {
        id: row?.id as number,
        publishedAt: row?.published_at as number,
        updatedAt: (row?.updated_at as number) - 1,
        fragments: stale,
      },
    ]);
    const after = await env.DB.prepare("SELECT feed_key, feed_atom FROM posts WHERE slug = 'race-1'").first();
    expect(after).toEqual({ feed_key: row?.feed_key, feed_atom: row?.feed_atom });
  });
});

describe("OPML of every source", () => {
  beforeAll(async () => {
    await seedPosts([
      post("opml-1", "opmlcat", NOW - HOUR, { tags: ["OPML 来源新闻"] }),
      post("opml-hidden", "opmlhidden", NOW - HOUR, { published: false }),
      post("opml-future", "opmlfuture", NOW + 24 * HOUR),
    ]);
  });
  const parse = (xml: string) =>
    new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (n) => n === "outline" }).parse(xml);

  it("lists the site feed, then every visible category's feed with its human title and page", async () => {
    const res = await request("/feeds.opml");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const doc = parse(await res.text());
    expect(doc.opml["@version"]).toBe("2.0");
    const outlines = doc.opml.body.outline as Record<string, string>[];
    expect(outlines[0]?.["@xmlUrl"]).toBe(`${BASE}/rss.xml`);
    const mine = outlines.find((o) => o["@htmlUrl"] === `${BASE}/category/opmlcat.html`);
    expect(mine).toMatchObject({ "@type": "rss", "@text": "OPML 来源新闻", "@xmlUrl": `${BASE}/category/opmlcat/rss.xml` });
    for (const o of outlines) expect(o["@xmlUrl"]).toMatch(/^https:\/\//);
    // Categories whose only posts are hidden or scheduled are not listed.
    expect(outlines.filter((o) => /opmlhidden|opmlfuture/.test(o["@xmlUrl"] ?? ""))).toEqual([]);
  });

  it("takes ?format=atom|json, and refuses another", async () => {
    const atom = parse(await (await request("/feeds.opml?format=atom")).text());
    expect(
      atom.opml.body.outline.find((o: Record<string, string>) => o["@htmlUrl"]?.endsWith("/opmlcat.html"))?.["@xmlUrl"],
    ).toBe(`${BASE}/category/opmlcat/atom.xml`);
    const json = parse(await (await request("/feeds.opml?format=json")).text());
    expect(json.opml.body.outline[0]["@xmlUrl"]).toBe(`${BASE}/feed.json`);
    expect((await request("/feeds.opml?format=xml")).status).toBe(400);
  });

  it("is linked from the home page and the index of sources", async () => {
    for (const page of ["/", "/categories.html"]) expect(await (await request(page)).text()).toContain('href="/feeds.opml"');
  });
});
