/**
 * @module test/worker/search
 * Search as its users see it, in both setups (one database; four in the
 * `archive` environment): every result page followed to the end gives
 * exactly the visible posts a brute-force scan of the plain text finds,
 * newest first, with and without a category; the three feeds carry the same
 * posts; the index follows edits, hiding and take-downs; hostile queries are
 * results or a 400 naming the problem, never a 500.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FEED_MIN_ITEMS } from "../../src/config";
import { htmlToText } from "../../src/content/render";
import type { PostRecord } from "../../src/content/types";
import { deletePost } from "../../src/db/statements";
import type { FeedFormat } from "../../src/urls";
import { holds } from "../support/search-oracle";
import { parseFeed, unescapeHtml } from "./feed-parse";
import { clearPosts, databaseAt, fixturePosts, get, makePost, seedPosts } from "./helpers";

const NOW = Date.now();
const HOUR = 3_600_000;
const WORDS = [
  "股市",
  "央行",
  "降息",
  "市场",
  "科技",
  "银行",
  "A股",
  "港股",
  "兴业银行",
  "601166",
  "HFO-1234yf",
  "TechWeb",
  "周期",
  "利率",
];
const GLUE = ["，", "。", "的", "和", " ", "在", "了", "：", "（", "）", ""];
const CATEGORIES = ["emnews", "TechWeb", "hbnews"];

/** A small deterministic generator (mulberry32), so a failure names the same corpus every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(next: () => number, words: number): string {
  let s = "";
  for (let i = 0; i < words; i++) s += `${WORDS[Math.floor(next() * WORDS.length)]}${GLUE[Math.floor(next() * GLUE.length)]}`;
  return s;
}

/** Posts from 2020 to now, so the archive setup has some in each of its databases. */
function corpus(): PostRecord[] {
  const next = random(15);
  const start = Date.UTC(2020, 5, 1);
  return Array.from({ length: 120 }, (_, i) => {
    const publishedAt = Math.floor(start + ((NOW - start - 2 * HOUR) * i) / 119);
    const cat = CATEGORIES[i % 3] as string;
    const body = `<p>${sentence(next, 8)}</p><p>${sentence(next, 6)}</p>`;
    return makePost({
      slug: `s${i}`,
      title: sentence(next, 3),
      bodyHtml: body,
      summary: htmlToText(body).slice(0, 50),
      publishedAt,
      path: `/${cat}/x/${i}.html`,
      categories: [cat],
      categoriesRaw: cat,
    });
  });
}

/** The site's own fixture and example posts, and the real corpus when it is beside the project. */
const FIXTURES = fixturePosts().filter((p) => !p.path.startsWith("/emnews/x/") && !p.path.startsWith("/TechWeb/x/"));
const POSTS = [...corpus(), ...FIXTURES];
/** Hidden and scheduled posts that say every word: never found. */
const HIDDEN = [
  makePost({
    slug: "hidden",
    title: WORDS.join(" "),
    bodyHtml: `<p>${WORDS.join("，")}</p>`,
    published: false,
    path: "/emnews/x/hidden.html",
  }),
  makePost({
    slug: "future",
    title: WORDS.join(" "),
    bodyHtml: `<p>${WORDS.join("，")}</p>`,
    publishedAt: NOW + 48 * HOUR,
    path: "/emnews/x/future.html",
  }),
];

const textOf = (p: PostRecord) => `${p.title}\n${htmlToText(p.bodyHtml)}`;

/** What a search should list: visible posts holding the query, newest first. */
function expected(q: string, category?: string): string[] {
  const key = category?.toLowerCase();
  return POSTS.filter(
    (p) =>
      p.published &&
      p.publishedAt <= NOW &&
      (!key || p.categories.some((c) => c.toLowerCase() === key) || p.categoriesRaw.toLowerCase() === key) &&
      holds(textOf(p), q),
  )
    .sort((a, b) => Math.trunc(b.publishedAt / 1000) - Math.trunc(a.publishedAt / 1000))
    .map((p) => p.path);
}

/** Pieces of the visible fixtures' own text: 2, 3 and 6 Chinese characters, and Latin words. */
function fixtureQueries(): string[] {
  const out = new Set<string>();
  for (const [i, p] of FIXTURES.filter((x) => x.published && x.publishedAt <= NOW).entries()) {
    const text = textOf(p);
    const cjk = [...text.matchAll(/[\u4e00-\u9fff]{6,}/g)].map((m) => m[0]);
    const run = cjk[i % Math.max(1, cjk.length)];
    if (run) for (const n of [2, 3, 6]) out.add(run.slice(0, n));
    const word = [...text.matchAll(/\b[A-Za-z][A-Za-z0-9]{2,}\b/g)].map((m) => m[0])[i % 3];
    if (word) out.add(word);
  }
  return [...out].slice(0, 60);
}

/** Every result of a search, following the pages' "older" links to the end. */
async function allResults(q: string, category?: string): Promise<{ paths: string[]; pages: number }> {
  let url: string | null = `/search?q=${encodeURIComponent(q)}${category ? `&category=${encodeURIComponent(category)}` : ""}`;
  const paths: string[] = [];
  let pages = 0;
  while (url) {
    const res = await get(url);
    expect(res.status, url).toBe(200);
    const html = await res.text();
    paths.push(...[...html.matchAll(/<h2><a href="([^"]+)">/g)].map((m) => unescapeHtml(m[1] as string)));
    const older = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
    url = older ? older.replaceAll("&amp;", "&") : null;
    pages++;
  }
  return { paths, pages };
}

beforeAll(async () => {
  await clearPosts();
  await seedPosts([...POSTS, ...HIDDEN], NOW);
});

describe("search results", () => {
  const queries = [
    "股市",
    "央行",
    "降息",
    "银行",
    "兴业银行",
    "降息周期",
    "市场，科技",
    "A股",
    "股市 央行",
    "601166",
    "HFO-1234yf",
    "techweb",
    "TECHWEB",
  ];

  it.each(queries)("for %j are the posts a brute-force scan finds, newest first, page by page", async (q) => {
    const want = expected(q);
    const { paths, pages } = await allResults(q);
    expect(paths).toEqual(want);
    expect(pages).toBe(Math.max(1, Math.ceil(want.length / 20)));
  });

  it.each(["股市", "降息", "兴业银行", "A股", "601166"])(
    "for %j within a category are that category's share of them",
    async (q) => {
      for (const cat of ["emnews", "techweb"]) {
        const want = expected(q, cat === "techweb" ? "TechWeb" : cat);
        expect((await allResults(q, cat)).paths, `${q} in ${cat}`).toEqual(want);
      }
    },
  );

  it("for pieces of the fixtures' and real posts' own text are what a brute-force scan finds", async () => {
    const queries = fixtureQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) {
      const { paths } = await allResults(q);
      // Within a second the index keeps the order posts were written in; compare as sets there.
      expect([...paths].sort(), q).toEqual([...expected(q)].sort());
      expect(paths.length, q).toBeGreaterThan(0);
    }
  });

  it("finds something for the common words (the corpus is not trivially empty)", () => {
    expect(expected("股市").length).toBeGreaterThan(20);
    expect(expected("兴业银行").length).toBeGreaterThan(5);
    expect(expected("降息周期").length).toBeGreaterThan(0);
  });

  it("never lists a hidden or scheduled post", async () => {
    for (const q of ["股市", "HFO-1234yf", "TechWeb"]) {
      const { paths } = await allResults(q);
      expect(paths).not.toContain("/emnews/x/hidden.html");
      expect(paths).not.toContain("/emnews/x/future.html");
    }
  });

  it("keeps the query in the box, is kept out of search engines and advertises its feeds", async () => {
    const res = await get(`/search?q=${encodeURIComponent("股市 <b>")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Robots-Tag")).toBe("noindex");
    const html = await res.text();
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toMatch(/<input type="search" name="q" value="股市 &lt;b&gt;"/);
    expect(html).not.toContain("<b>");
    for (const file of ["atom.xml", "rss.xml", "feed.json"]) {
      expect(html).toContain(`href="https://finews.withounder.com/search/${file}?q=%E8%82%A1%E5%B8%82%20%3Cb%3E"`);
    }
  });

  it("without a query shows the empty box", async () => {
    const res = await get("/search");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form class="search" action="/search"');
    expect(html).not.toContain('<ol class="posts">');
  });

  it("offers the box on the home page, and within the category on a category page", async () => {
    const home = await (await get("/")).text();
    expect(home).toMatch(/<search><form class="search" action="\/search" method="get"><input type="search" name="q"/);
    const cat = await (await get("/category/emnews.html")).text();
    expect(cat).toContain('<input type="hidden" name="category" value="emnews"/>');
  });

  it("answers a category with no visible post with 404", async () => {
    const res = await get("/search?q=股市&category=nosuchsource");
    expect(res.status).toBe(404);
    expect((await get("/search/atom.xml?q=股市&category=nosuchsource")).status).toBe(404);
  });
});

describe("search feeds", () => {
  const formats: FeedFormat[] = ["atom", "rss", "json"];
  const file = { atom: "atom.xml", rss: "rss.xml", json: "feed.json" } as const;
  const link = (path: string) => `https://finews.withounder.com${path}`;

  it.each(formats)("in %s hold the newest matches, with the query in their links", async (format) => {
    const res = await get(`/search/${file[format]}?q=${encodeURIComponent("股市")}&limit=7`);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Robots-Tag")).toBe("noindex");
    const feed = parseFeed(format, await res.text());
    expect(feed.entries.map((e) => e.link)).toEqual(expected("股市").slice(0, 7).map(link));
    expect(feed.title).toContain("股市");
    expect(feed.next).toContain(`/search/${file[format]}?q=%E8%82%A1%E5%B8%82&limit=7&before=`);
    // The next page goes on where this one stopped.
    const next = parseFeed(format, await (await get(feed.next as string)).text());
    expect(next.entries.map((e) => e.link)).toEqual(expected("股市").slice(7, 14).map(link));
  });

  it("use the same window as the other feeds: at least the minimum of newest matches, within a category too", async () => {
    const feed = parseFeed("atom", await (await get("/search/atom.xml?q=%E9%99%8D%E6%81%AF&category=hbnews")).text());
    const want = expected("降息", "hbnews");
    // The corpus has one post every few weeks: the window holds the minimum count (or every match).
    expect(feed.entries.map((e) => e.link)).toEqual(want.slice(0, Math.min(want.length, feed.entries.length)).map(link));
    expect(feed.entries.length).toBe(Math.min(want.length, FEED_MIN_ITEMS));
  });

  it("are empty, not missing, when nothing matches", async () => {
    const res = await get("/search/feed.json?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D");
    expect(res.status).toBe(200);
    expect(parseFeed("json", await res.text()).entries).toEqual([]);
  });
});

describe("hostile queries", () => {
  const HOSTILE: [string, string][] = [
    ['"', "no-words"],
    ['"股市', "ok"],
    ["股市*", "ok"],
    ["*", "no-words"],
    ["NEAR(股市 央行)", "ok"],
    ["股市 AND", "ok"],
    ["OR", "ok"],
    ["NOT 股市", "ok"],
    ["((股市", "ok"],
    [")", "no-words"],
    ["股市:央行", "ok"],
    ["{body}:股市", "ok"],
    ["cats:c1 股市", "ok"],
    ["^股市", "ok"],
    ["股市\u0000央行", "ok"],
    ["\u001f", "empty"],
    ["'; DROP TABLE posts; --", "ok"],
    ["%", "no-words"],
    ["💹📈", "no-words"],
    ["", "empty"],
    ["   ", "empty"],
    ["股", "single-char"],
    ["股市 股", "single-char"],
    ["x".repeat(1000), "too-long"],
    ["股".repeat(101), "too-long"],
    ["A股 B股 C股 D股 E股 F股 G股 H股 I股", "too-many-words"],
  ];

  it.each(HOSTILE.map(([q, o]) => [q.length > 40 ? `${q.slice(0, 8)}… (${q.length} characters)` : q, q, o]))(
    "%j gives results or a 400 naming the problem, never a 500",
    async (_, q, outcome) => {
      const page = await get(`/search?q=${encodeURIComponent(q)}`);
      const html = await page.text();
      if (outcome === "ok") {
        expect(page.status, html.slice(0, 300)).toBe(200);
      } else {
        expect(page.status).toBe(400);
        expect(page.headers.get("Cache-Control")).toBe("no-store");
        expect(html).toMatch(
          {
            empty: /请输入要搜索的词/,
            "no-words": /没有可以搜索/,
            "single-char": /至少输入两个字/,
            "too-long": /不能超过 100 个字/,
            "too-many-words": /最多 8 个词/,
          }[outcome] as RegExp,
        );
      }
      const feed = await get(`/search/atom.xml?q=${encodeURIComponent(q)}`);
      expect(feed.status).toBe(outcome === "ok" ? 200 : 400);
      if (outcome !== "ok") expect(await feed.text()).toMatch(/^Bad Request: /);
    },
  );

  it("a 10 KB query is a 400 saying how long a query may be; past 16 KB the URL itself is refused (414)", async () => {
    for (const [path, problem] of [
      ["/search", /查询不能超过 100 个字/],
      ["/search/atom.xml", /longer than 100 characters/],
    ] as const) {
      const res = await get(`${path}?q=${"x".repeat(10_240)}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(problem);
      expect((await get(`${path}?q=${"x".repeat(17_000)}`)).status).toBe(414);
    }
  });

  it("a malformed cursor is a 400; a malformed escape is searched as the text it is", async () => {
    expect((await get("/search?q=股市&before=abc")).status).toBe(400);
    expect((await get("/search/rss.xml?q=股市&before=1.2.3")).status).toBe(400);
    expect((await get("/search?q=%ED%A0%80")).status).toBe(200);
  });
});

describe("posts of the same second", () => {
  it("are all found once, paged through in order, and a moved post takes its new place", async () => {
    const at = NOW - 3 * HOUR;
    const same = Array.from({ length: 45 }, (_, i) =>
      makePost({
        slug: `same${i}`,
        title: `同秒消息 ${i}`,
        bodyHtml: "<p>同秒</p>",
        publishedAt: at,
        path: `/emnews/x/same${i}.html`,
      }),
    );
    await seedPosts(same, NOW);
    const { paths, pages } = await allResults("同秒");
    expect(pages).toBe(3);
    expect([...paths].sort()).toEqual(same.map((p) => p.path).sort());
    expect(new Set(paths).size).toBe(45);

    // One of them moves an hour later: it leads, and is listed once.
    await seedPosts([{ ...(same[7] as PostRecord), publishedAt: at + HOUR, hash: "moved" }], NOW + 1);
    const after = (await allResults("同秒")).paths;
    expect(after[0]).toBe("/emnews/x/same7.html");
    expect(after).toHaveLength(45);
  });
});

describe("the index follows every write", () => {
  const path = "/emnews/x/live.html";
  const live = (over: Partial<PostRecord>) =>
    makePost({ slug: "live", title: "独有词语甲乙", bodyHtml: "<p>丙丁戊己</p>", publishedAt: NOW - HOUR, path, ...over });
  const found = async (q: string) => (await allResults(q)).paths.includes(path);

  it("an edit, hiding and taking down", async () => {
    await seedPosts([live({})], NOW);
    expect(await found("甲乙")).toBe(true);
    expect(await found("丙丁")).toBe(true);

    await seedPosts([live({ title: "改过的标题", bodyHtml: "<p>庚辛壬癸</p>", hash: "edited" })], NOW + 1);
    expect(await found("甲乙")).toBe(false);
    expect(await found("庚辛")).toBe(true);

    await seedPosts([live({ title: "改过的标题", bodyHtml: "<p>庚辛壬癸</p>", published: false, hash: "hidden" })], NOW + 2);
    expect(await found("庚辛")).toBe(false);

    await seedPosts([live({ title: "又回来了", bodyHtml: "<p>庚辛壬癸</p>", hash: "back" })], NOW + 3);
    // Edits in the same second keep the post's key: 300 of them do not use up the second's 256.
    const db0 = databaseAt(NOW - HOUR);
    const keyOf = async () =>
      (await db0.prepare("SELECT search_key AS k FROM posts WHERE slug = 'live'").first<{ k: number }>())?.k;
    const key = await keyOf();
    for (let i = 0; i < 300; i++)
      await seedPosts([live({ title: "又回来了", bodyHtml: `<p>庚辛壬癸 ${i}</p>`, hash: `e${i}` })], NOW + 4);
    expect(await keyOf()).toBe(key);
    expect(await found("回来")).toBe(true);
    expect(await found("回来")).toBe(true);
    const db = databaseAt(NOW - HOUR);
    await db.batch(deletePost("live").map((s) => db.prepare(s.sql).bind(...s.params)));
    expect(await found("回来")).toBe(false);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE slug = 'live'").first<{ n: number }>()) ?? {
      n: -1,
    };
    expect(n).toBe(0);
  });
});
