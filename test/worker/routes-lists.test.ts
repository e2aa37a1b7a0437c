/**
 * Home, category, tag and all-sources pages: every category and raw
 * `categories:` string of the fixtures, examples and real corpus, keyset
 * pagination without gaps or duplicates, hidden posts, and 304s that skip
 * rendering.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { PostRecord } from "../../src/content/types";
import type { FixturePost } from "../support/fixtures";
import { BASE, fixturePosts, get, makePost, seedPosts } from "./helpers";

const now = Date.now();
const all = fixturePosts();
const visible = all.filter((p) => p.published && p.publishedAt <= now);
const hidden = all.filter((p) => !p.published || p.publishedAt > now);

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e.toLowerCase()] as string;
  });
}

interface ListPage {
  status: number;
  h1: string;
  items: string[];
  older: string | null;
  newest: string | null;
  alternates: { type: string; href: string }[];
  links: string[];
  html: string;
}

/** Reads a list page with HTMLRewriter: item paths in order, pager links, alternates. */
async function list(path: string): Promise<ListPage> {
  const res = await get(path);
  const html = await res.text();
  const page: ListPage = { status: res.status, h1: "", items: [], older: null, newest: null, alternates: [], links: [], html };
  let pagerText = "";
  await new HTMLRewriter()
    .on("h1", { text: (t) => void (page.h1 += t.text) })
    .on("ol.posts > li > h2 > a", { element: (e) => void page.items.push(decode(e.getAttribute("href") ?? "")) })
    .on('nav.pager a[rel="next"]', { element: (e) => void (page.older = decode(e.getAttribute("href") ?? "")) })
    .on("nav.pager a:not([rel])", {
      element: (e) => {
        pagerText = decode(e.getAttribute("href") ?? "");
        page.newest = pagerText;
      },
    })
    .on('link[rel="alternate"]', {
      element: (e) =>
        void page.alternates.push({ type: e.getAttribute("type") ?? "", href: decode(e.getAttribute("href") ?? "") }),
    })
    .on("a", { element: (e) => void page.links.push(decode(e.getAttribute("href") ?? "")) })
    .transform(new Response(html))
    .text();
  page.h1 = decode(page.h1);
  return page;
}

/** Walks a list from its first page through every "older" link. */
async function walk(first: string): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  for (let path: string | null = first; path; path = pages[pages.length - 1]?.older ?? null) {
    const page = await list(path);
    expect(page.status, path).toBe(200);
    pages.push(page);
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

/** Newest first, ties by insertion order reversed (D1 rowids grow as posts are written). */
function expectedOrder(posts: PostRecord[]): string[] {
  return posts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p.publishedAt - a.p.publishedAt || b.i - a.i)
    .map(({ p }) => p.path);
}

function series(name: string, count: number, tag: string): PostRecord[] {
  const base = Date.UTC(2023, 4, 1, 12);
  // Every third post shares its neighbour's instant, so the id tie-break is exercised on page borders.
  return Array.from({ length: count }, (_, i) =>
    makePost({
      slug: `${name}-${String(i).padStart(3, "0")}`,
      title: `${name} 第${i}条`,
      publishedAt: base + Math.floor(i / 3) * 60_000 + (i % 3 === 2 ? 60_000 : 0),
      path: `/${name.toLowerCase()}/2023/05/01/${name}-${i}.html`,
      categories: [name],
      categoriesRaw: name,
      tags: [tag],
    }),
  );
}

const paged = series("PageCat", 65, "分页标签");
const sixty = series("SixtyCat", 60, "六十标签");
const seededOrder = [...all, ...paged, ...sixty];

beforeAll(async () => {
  await seedPosts(seededOrder);
});

interface TermCase {
  url: string;
  name: string;
  labels: Set<string>;
  posts: FixturePost[];
}

/** Every category and raw categories string (when it differs from its single category) of the visible posts. */
function categoryCases(): TermCase[] {
  const byKey = new Map<string, TermCase>();
  const add = (name: string, post: FixturePost) => {
    const key = name.toLowerCase();
    let t = byKey.get(key);
    if (!t) {
      t = { url: `/category/${encodeURIComponent(name)}.html`, name, labels: new Set(), posts: [] };
      byKey.set(key, t);
    }
    t.labels.add(post.tags[0] ?? name);
    if (!t.posts.includes(post)) t.posts.push(post);
  };
  for (const p of visible) {
    for (const c of p.categories) add(c, p);
    if (p.categories.length > 1 || p.categoriesRaw !== p.categories[0]) add(p.categoriesRaw, p);
  }
  return [...byKey.values()];
}

describe("category pages", () => {
  const cases = categoryCases();

  it("exist for the corpus' single categories and raw strings", () => {
    const names = cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(["emnews", "ShiJie(ZhengQuan)  CaiJing 财经 a+b", "21shijijingjibaodao nancailicaitong"]),
    );
  });

  it.each(cases.map((c) => [c.url, c] as const))("%s lists its posts under its source's name", async (url, t) => {
    for (const variant of [
      url,
      url
        .toUpperCase()
        .replace("/CATEGORY/", "/category/")
        .replace(/\.HTML$/, ".html"),
      url.toLowerCase(),
    ]) {
      const page = await list(variant);
      expect(page.status, variant).toBe(200);
      expect(t.labels.has(page.h1), `${variant}: h1 ${page.h1} not in ${[...t.labels]}`).toBe(true);
      if (t.posts.length <= 30) expect(new Set(page.items)).toEqual(new Set(t.posts.map((p) => p.path)));
      const times = page.items.map((path) => all.find((p) => p.path === path)?.publishedAt ?? 0);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const canonical = `${BASE}/category/${encodeURIComponent(t.name)}`.toLowerCase();
      for (const [type, end] of [
        ["application/atom+xml", "/atom.xml"],
        ["application/rss+xml", "/rss.xml"],
        ["application/feed+json", "/feed.json"],
      ]) {
        expect(
          page.alternates.some((a) => a.type === type && a.href.toLowerCase() === `${canonical}${end}`),
          `${variant} ${type}`,
        ).toBe(true);
      }
    }
  });

  it("names the source by its tag, e.g. 河北新闻网新闻", async () => {
    const res = await get("/category/hebeixinwenwang.html");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>河北新闻网新闻 - 金融消息</title>");
    expect(html).toContain("<h1>河北新闻网新闻</h1>");
  });

  it("merges case variants of one source (TechWeb, Techweb)", async () => {
    const a = await list("/category/TechWeb.html");
    const b = await list("/category/techweb.html");
    expect(a.items.length).toBe(2);
    expect(b.items).toEqual(a.items);
  });

  it("links one spelling of a source everywhere, the one its page is named by", async () => {
    const spellings = new Set<string>();
    for (const path of ["/", "/category/TechWeb.html", "/category/techweb.html"]) {
      for (const l of (await list(path)).links) if (/^\/category\/techweb\.html$/i.test(l)) spellings.add(l);
    }
    const index = await list("/categories.html");
    const canonical = index.links.filter((l) => /^\/category\/techweb\.html$/i.test(l));
    expect(canonical.length).toBe(1);
    expect([...spellings]).toEqual(canonical);
    const article = (await list("/category/techweb.html")).items;
    for (const path of article) {
      const links = (await list(path)).links.filter((l) => /^\/category\/techweb\.html$/i.test(l));
      expect(new Set(links), path).toEqual(new Set(canonical));
    }
  });

  it("offers each feed once in the page head", async () => {
    for (const path of ["/", "/category/emnews.html", "/tag/东财滚动新闻.html", "/categories.html"]) {
      const hrefs = (await list(path)).alternates.map((a) => a.href);
      expect(hrefs.length, path).toBeGreaterThan(0);
      expect(new Set(hrefs).size, `${path}: ${hrefs.join(" ")}`).toBe(hrefs.length);
      expect(hrefs, path).toContain(`${BASE}/feed.xml`);
    }
  });

  it("links an Atom feed that really answers", async () => {
    const page = await list("/category/emnews.html");
    const atom = page.alternates.find((a) => a.href.endsWith("/category/emnews/atom.xml"));
    expect(atom).toBeDefined();
    const res = await get(atom?.href as string);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/xml/);
  });

  it("escapes hostile category names and labels", async () => {
    const page = await list(`/category/${encodeURIComponent('<b>&amp;"q"')}.html`);
    expect(page.status).toBe(200);
    expect(page.html).not.toMatch(/<b>|<i>/);
  });
});

describe("tag pages", () => {
  const tags = [...new Set(visible.flatMap((p) => p.tags))];

  it.each(tags)("/tag/%s.html lists the tag's posts", async (tag) => {
    const page = await list(`/tag/${encodeURIComponent(tag)}.html`);
    expect(page.status).toBe(200);
    expect(page.h1.toLowerCase()).toBe(`#${tag}`.toLowerCase());
    const posts = visible.filter((p) => p.tags.some((t) => t.toLowerCase() === tag.toLowerCase()));
    if (posts.length <= 30) expect(new Set(page.items)).toEqual(new Set(posts.map((p) => p.path)));
    expect(
      page.alternates.some((a) => a.href.toLowerCase().endsWith(`/tag/${encodeURIComponent(tag)}/atom.xml`.toLowerCase())),
    ).toBe(true);
  });

  it("answers 404 for an unknown tag", async () => {
    expect((await get("/tag/no-such-tag.html")).status).toBe(404);
  });
});

describe("keyset pagination", () => {
  it("splits 65 posts of one category 30/30/5, newest first, no gaps or duplicates", async () => {
    const pages = await walk("/category/pagecat.html");
    expect(pages.map((p) => p.items.length)).toEqual([30, 30, 5]);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items).size).toBe(65);
    expect(items).toEqual(expectedOrder(paged));
    expect(pages[0]?.newest).toBeNull();
    expect(pages[1]?.newest).toBe("/category/PageCat.html");
    expect(pages[2]?.older).toBeNull();
    for (const p of pages.slice(1))
      expect(p.older ?? "/category/PageCat.html?before=0.0").toMatch(/^\/category\/PageCat\.html\?before=\d+\.\d+$/);
  });

  it("does the same on the tag page of those posts", async () => {
    const pages = await walk(`/tag/${encodeURIComponent("分页标签")}.html`);
    expect(pages.map((p) => p.items.length)).toEqual([30, 30, 5]);
    expect(pages.flatMap((p) => p.items)).toEqual(expectedOrder(paged));
  });

  it("never links an empty page: 60 posts make exactly two pages", async () => {
    const pages = await walk("/category/sixtycat.html");
    expect(pages.map((p) => p.items.length)).toEqual([30, 30]);
    expect(pages.flatMap((p) => p.items)).toEqual(expectedOrder(sixty));
  });

  it("walks the home page through every visible post of the site", async () => {
    const pages = await walk("/");
    const items = pages.flatMap((p) => p.items);
    expect(pages.slice(0, -1).every((p) => p.items.length === 30)).toBe(true);
    expect(new Set(items).size).toBe(items.length);
    const expected = expectedOrder(seededOrder.filter((p) => p.published && p.publishedAt <= now));
    expect(items).toEqual(expected);
    expect(pages[0]?.h1).toBe("最新消息");
    expect(pages[1]?.h1).toBe("更早的消息");
  });

  it("answers 400 for a malformed cursor and an empty page past the end", async () => {
    for (const bad of ["x", "1", "1.x", "-1.2", "1.2.3", "9999999999999999.1", "%00", "1.1%0d%0a"]) {
      for (const base of ["/", "/category/pagecat.html", `/tag/${encodeURIComponent("分页标签")}.html`]) {
        const res = await get(`${base}?before=${bad}`);
        expect(res.status, `${base}?before=${bad}`).toBe(400);
        expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
        expect(await res.text()).toContain("请求无效");
      }
    }
    const end = await list("/category/pagecat.html?before=1.1");
    expect(end.status).toBe(200);
    expect(end.items).toEqual([]);
    expect(end.html).toContain('<meta name="robots" content="noindex"/>');
  });
});

describe("home and the index of sources", () => {
  it("links every category from home through /categories.html", async () => {
    const home = await list("/");
    expect(home.links).toContain("/categories.html");
    const index = await list("/categories.html");
    expect(index.status).toBe(200);
    for (const t of categoryCases()) {
      const href = index.links.find((l) => l.toLowerCase() === t.url.toLowerCase());
      expect(href, t.name).toBeDefined();
    }
    // Categories whose posts are all hidden (routefuture, routehidden) are not listed until a post is due.
    const checked = index.links.filter((l) => l.startsWith("/category/"));
    expect(checked.some((h) => /routefuture|routehidden/i.test(h))).toBe(false);
    for (const href of checked) {
      expect((await get(href)).status, href).toBe(200);
    }
  });
});

describe("hidden posts", () => {
  it("appear on no list", async () => {
    const pages = [
      ...(await walk("/")),
      await list("/categories.html"),
      await list("/category/emnews.html"),
      ...(await Promise.all(visible.flatMap((p) => p.tags).map((t) => list(`/tag/${encodeURIComponent(t)}.html`)))),
    ];
    for (const post of hidden) {
      for (const page of pages) {
        expect(page.items).not.toContain(post.path);
        expect(page.html).not.toContain(post.title);
      }
    }
  });

  it("leave no category or tag page behind", async () => {
    for (const path of [
      "/category/routehidden.html",
      "/category/routefuture.html",
      `/tag/${encodeURIComponent("隐藏新闻")}.html`,
      `/tag/${encodeURIComponent("未来新闻")}.html`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
    }
  });
});

describe("list validators", () => {
  /** A D1 binding that records every statement it prepares. */
  function recording(db: D1Database, log: string[]): D1Database {
    const wrap = (d: D1Database | D1DatabaseSession): unknown => ({
      prepare: (sql: string) => {
        log.push(sql);
        return d.prepare(sql);
      },
      batch: (s: D1PreparedStatement[]) => d.batch(s),
      withSession: (c?: string) => wrap((d as D1Database).withSession(c as D1SessionConstraint)),
    });
    return wrap(db) as D1Database;
  }

  async function request(path: string, log: string[], init?: RequestInit): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await app.request(`${BASE}${path}`, init, { ...env, DB: recording(env.DB, log) }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each(["/", "/category/pagecat.html", `/tag/${encodeURIComponent("分页标签")}.html`])(
    "%s answers If-None-Match with 304 without reading the list",
    async (base) => {
      // A fresh URL (unknown parameters are ignored) that no earlier test put in the edge cache;
      // HEAD renders but stores nothing, so the GET below must go through the validator.
      const path = `${base}?probe=${crypto.randomUUID()}`;
      const head = await request(path, [], { method: "HEAD" });
      const etag = head.headers.get("ETag") ?? "";
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(head.headers.get("Cache-Control")).toMatch(/^public, max-age=60/);
      const log: string[] = [];
      const res = await request(path, log, { headers: { "If-None-Match": etag } });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe("");
      expect(log.length).toBeGreaterThan(0);
      expect(
        log.some((sql) => /p\.summary/.test(sql)),
        log.join("\n---\n"),
      ).toBe(false);
    },
  );

  it("changes the ETag when a post is added to the page", async () => {
    const path = "/category/etagcat.html";
    await seedPosts([makePost({ slug: "etag-1", categories: ["etagcat"], categoriesRaw: "etagcat", publishedAt: now - 10_000 })]);
    const first = (await request(path, [], { method: "HEAD" })).headers.get("ETag");
    await seedPosts([makePost({ slug: "etag-2", categories: ["etagcat"], categoriesRaw: "etagcat", publishedAt: now - 5_000 })]);
    const res = await request(path, [], { method: "HEAD", headers: { "If-None-Match": first ?? "" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).not.toBe(first);
  });

  it("hashes older pages after rendering, so they carry an ETag too", async () => {
    const page2 = (await walk("/category/pagecat.html"))[0]?.older as string;
    const res = await request(page2, [], { method: "HEAD" });
    expect(res.headers.get("ETag")).toMatch(/^"[^"]+"$/);
    const again = await request(page2, [], { headers: { "If-None-Match": res.headers.get("ETag") ?? "" } });
    expect(again.status).toBe(304);
  });
});
