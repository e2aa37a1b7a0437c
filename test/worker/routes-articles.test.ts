/**
 * Article pages: every fixture, example and real-corpus post at its canonical
 * path, the 301s from every other spelling of its dated path, hidden posts,
 * the old `/{category}/` back-links, 404 pages and HTTP validators.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { displayLocal, isoLocal } from "../../src/content/dates";
import type { FixturePost } from "../support/fixtures";
import { BASE, fixturePosts, get, makePost, seedPosts } from "./helpers";

const TZ = "Asia/Shanghai";
const now = Date.now();
const all = fixturePosts();
const visible = all.filter((p) => p.published && p.publishedAt <= now);
const hidden = all.filter((p) => !p.published || p.publishedAt > now);
const byFile = (file: string) => {
  const p = all.find((x) => x.file === file);
  if (!p) throw new Error(`fixture ${file} is missing`);
  return p;
};

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e.toLowerCase()] as string;
  });
}

interface Page {
  title: string;
  h1: string;
  meta: Map<string, string>;
  links: { rel: string; href: string; type: string }[];
  anchors: { href: string; text: string; inBody: boolean }[];
  times: { datetime: string; text: string }[];
  ld: string;
  share: string | null;
  bodyHtml: string;
}

/** Reads a page with workerd's own HTML parser (HTMLRewriter). */
async function scan(html: string): Promise<Page> {
  const page: Page = { title: "", h1: "", meta: new Map(), links: [], anchors: [], times: [], ld: "", share: null, bodyHtml: "" };
  let inBody = false;
  let anchor: Page["anchors"][number] | null = null;
  let time: Page["times"][number] | null = null;
  await new HTMLRewriter()
    .on("title", { text: (t) => void (page.title += t.text) })
    .on("h1", { text: (t) => void (page.h1 += t.text) })
    .on("meta", {
      element: (e) => {
        const k = e.getAttribute("property") ?? e.getAttribute("name");
        if (k) page.meta.set(k, decode(e.getAttribute("content") ?? ""));
      },
    })
    .on("link", {
      element: (e) =>
        void page.links.push({
          rel: e.getAttribute("rel") ?? "",
          href: decode(e.getAttribute("href") ?? ""),
          type: e.getAttribute("type") ?? "",
        }),
    })
    .on("div.body", {
      element: (e) => {
        inBody = true;
        e.onEndTag(() => {
          inBody = false;
        });
      },
    })
    .on("a", {
      element: (e) => {
        anchor = { href: decode(e.getAttribute("href") ?? ""), text: "", inBody };
        page.anchors.push(anchor);
      },
      text: (t) => {
        if (anchor) anchor.text += t.text;
      },
    })
    .on("time", {
      element: (e) => {
        time = { datetime: e.getAttribute("datetime") ?? "", text: "" };
        page.times.push(time);
      },
      text: (t) => {
        if (time) time.text += t.text;
      },
    })
    .on('script[type="application/ld+json"]', { text: (t) => void (page.ld += t.text) })
    .on("code.share-link", { text: (t) => void (page.share = (page.share ?? "") + t.text) })
    .transform(new Response(html))
    .text();
  page.title = decode(page.title);
  page.h1 = decode(page.h1);
  if (page.share !== null) page.share = decode(page.share);
  for (const a of page.anchors) a.text = decode(a.text);
  const body = /<div class="body">([\s\S]*?)<\/div><footer class="box">/.exec(html);
  page.bodyHtml = body?.[1] ?? "";
  return page;
}

/** Follows redirects (all must stay on SITE_URL) and returns the final response and the hops. */
async function follow(path: string, max = 5): Promise<{ res: Response; hops: string[] }> {
  const hops: string[] = [];
  let res = await get(path);
  while (res.status === 301 || res.status === 302) {
    const loc = res.headers.get("Location") ?? "";
    expect(loc.startsWith(`${BASE}/`), `redirect from ${path} leaves the site: ${loc}`).toBe(true);
    hops.push(loc);
    expect(hops.length, `redirect loop from ${path}: ${hops.join(" → ")}`).toBeLessThanOrEqual(max);
    res = await get(loc);
  }
  return { res, hops };
}

/** The dated tail `/YYYY/MM/DD/slug.html` of a post's Jekyll default path. */
function tail(p: FixturePost, date = p.localDate): string {
  return `/${date.replaceAll("-", "/")}/${encodeURIComponent(p.slug)}.html`;
}
function prefix(p: FixturePost): string {
  return p.categories.length ? `/${p.categories.map((c) => encodeURIComponent(c)).join("/")}` : "";
}
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  await seedPosts(all);
});

describe("the fixture set", () => {
  it("covers the cases these tests are about", () => {
    // Project fixtures and examples alone; the real corpus (../shared) adds more when present.
    expect(visible.length).toBeGreaterThanOrEqual(15);
    expect(hidden.some((p) => !p.published)).toBe(true);
    expect(hidden.some((p) => p.publishedAt > now)).toBe(true);
    expect(visible.some((p) => p.permalink)).toBe(true);
    expect(visible.some((p) => p.categories.length > 1)).toBe(true);
    expect(visible.some((p) => /%/.test(p.path))).toBe(true);
  });
});

describe("canonical article pages", () => {
  it.each(visible.map((p) => [p.path, p] as const))("%s answers 200 with the post", async (path, post) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html; charset=utf-8/i);
    const html = await res.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
    const page = await scan(html);
    const url = `${BASE}${post.path}`;

    expect(page.h1).toBe(post.title);
    expect(page.title).toBe(`${post.title} - 金融消息`);
    expect(page.links.filter((l) => l.rel === "canonical").map((l) => l.href)).toEqual([url]);
    expect(page.meta.get("og:type")).toBe("article");
    expect(page.meta.get("og:title")).toBe(post.title);
    expect(page.meta.get("og:description")).toBe(post.summary);
    expect(page.meta.get("og:url")).toBe(url);
    expect(page.meta.get("og:image")).toBe(post.firstImage ?? undefined);

    const ld = JSON.parse(page.ld);
    expect(ld["@type"]).toBe("NewsArticle");
    expect(ld.headline).toBe(post.title);
    expect(ld.url).toBe(url);
    expect(ld.datePublished).toBe(isoLocal(post.publishedAt, TZ));
    if (post.firstImage) expect(ld.image).toEqual([post.firstImage]);

    expect(page.times[0]).toEqual({ datetime: isoLocal(post.publishedAt, TZ), text: displayLocal(post.publishedAt, TZ) });

    const nav = page.anchors.filter((a) => !a.inBody);
    if (post.categories[0]) {
      const source = nav.find((a) => a.text === (post.tags[0] ?? post.categories[0]));
      expect(source, "source name links to its category").toBeDefined();
      expect((await get(source?.href as string)).status).toBe(200);
      expect(nav.some((a) => a.text.startsWith("返回") && a.href === source?.href)).toBe(true);
    }
    // tags link to tag pages; the one that names the source is shown once, as the source
    for (const tag of post.tags.filter((t) => !post.categories[0] || t !== post.tags[0])) {
      expect(nav.some((a) => a.text === `#${tag}`)).toBe(true);
    }
    expect(nav.some((a) => a.text === "返回首页" && a.href === "/")).toBe(true);

    if (post.infoCode) expect(page.share).toBe(`${BASE}/html_News/NewsShare.html?infoCode=${post.infoCode}`);
    else expect(page.share).toBeNull();
    if (post.sourceUrl && /^https?:\/\//.test(post.sourceUrl)) {
      expect(nav.some((a) => a.href === post.sourceUrl && a.text === post.sourceUrl)).toBe(true);
    }

    // The body is the sanitized one stored at ingest, and nothing in the page can run.
    expect(page.bodyHtml).toBe(post.bodyHtml);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/ld+json">']);
    expect(html).not.toMatch(/\son[a-z]+\s*=|javascript:/i);
  });

  it("shows times in SITE_TIMEZONE, offset-less front matter read as Beijing time", async () => {
    const cases: [string, string, string][] = [
      ["2022-06-16-route-utc-midnight.md", "2022-06-16T23:59:30+08:00", "2022-06-16 23:59"],
      ["2021-12-08-202112082206965422.md", "2021-12-08T13:16:19+08:00", "2021-12-08 13:16"],
      ["2022-06-15-NW202206152413395749.md", "2022-06-15T11:34:30+08:00", "2022-06-15 11:34"],
    ];
    for (const [file, datetime, text] of cases) {
      const post = all.find((p) => p.file === file);
      if (!post) continue; // the real corpus is optional
      const page = await scan(await (await get(post.path)).text());
      expect(page.times[0]).toEqual({ datetime, text });
    }
  });

  it("escapes hostile titles, tags and categories, and drops non-web source links", async () => {
    const post = byFile("2022-06-21-route-hostile.md");
    const res = await get(post.path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>&amp;");
    expect(html).not.toContain("<i>恶意</i>");
    expect(html).toContain("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &quot;引号&quot; ]]&gt; 标题");
    expect(html).not.toMatch(/javascript:|onerror|<iframe/i);
    const ld = JSON.parse((await scan(html)).ld);
    expect(ld.headline).toBe(post.title);
    expect(html).toContain("\\u003c/script>");
  });

  it("serves links to the old host in bodies as this site's own paths, and they resolve", async () => {
    const checked = new Set<string>();
    for (const post of visible) {
      const page = await scan(await (await get(post.path)).text());
      // Other suites' fixtures may link pages that never existed; the corpus, examples and ours link real ones.
      const mustResolve = post.origin !== "fixtures" || post.file.includes("-route-");
      for (const a of page.anchors.filter((x) => x.inBody)) {
        expect(a.href, `${post.file}: ${a.href}`).not.toMatch(/^(?:https?:)?\/\/finews\.withounder\.com|^\.\.\//i);
        if (!mustResolve || !a.href.startsWith("/") || a.href.startsWith("//") || checked.has(a.href)) continue;
        checked.add(a.href);
        const { res } = await follow(a.href);
        expect(res.status, `${post.file} links ${a.href}`).toBe(200);
      }
    }
    // the fixtures' own old-host links, rewritten
    expect([...checked]).toEqual(
      expect.arrayContaining([
        "/category/emnews.html",
        "/category/RouteNight.html",
        "/routenight/2022/06/17/route-utc-midnight.html",
        "/",
      ]),
    );
  });
});

describe("other spellings of a dated path answer 301 to the canonical one", () => {
  const dated = visible.filter((p) => !p.permalink);

  function variants(p: FixturePost): string[] {
    const out = [
      tail(p), // no categories (Jekyll without front matter)
      `${prefix(p).toUpperCase()}${tail(p)}`, // other case
      `/emnews/other${tail(p)}`, // other prefix
      `${prefix(p)}${tail(p, nextDay(p.localDate))}`, // the UTC date Jekyll derived
      // Jekyll's name for a file whose front matter it could not read
      ...(/^\d{4}-\d{2}-\d{2}-/.test(p.file)
        ? [`/${nextDay(p.localDate).replaceAll("-", "/")}/${p.file.replace(/\.md$/, "")}.html`]
        : []),
      `${prefix(p)}${tail(p).replace(/\.html$/, "")}`, // extension-less, as static hosts served it
    ];
    return [...new Set(out)].filter((v) => v !== p.path);
  }

  it.each(dated.map((p) => [p.path, p] as const))("%s", async (_path, post) => {
    for (const v of variants(post)) {
      const res = await get(v);
      expect(res.status, v).toBe(301);
      expect(res.headers.get("Location"), v).toBe(`${BASE}${post.path}`);
      expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    }
  });

  it("sends a post with its own permalink: there, from its Jekyll default path", async () => {
    const post = byFile("2022-06-17-route-permalink.md");
    expect(post.path).toBe("/special/route-report.html");
    const res = await get(`/emnews${tail(post)}`);
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe(`${BASE}/special/route-report.html`);
    expect((await get("/special/route-report.html")).status).toBe(200);
  });

  it("serves a permalink: that looks like another post's dated path as itself", async () => {
    await seedPosts([
      makePost({
        slug: "collide-a",
        title: "甲",
        path: "/x/2022/01/01/collide-b.html",
        permalink: "/x/2022/01/01/collide-b.html",
      }),
      makePost({ slug: "collide-b", title: "乙", path: "/y/2022/01/01/collide-b.html" }),
    ]);
    const a = await get("/x/2022/01/01/collide-b.html");
    expect(a.status).toBe(200);
    expect((await scan(await a.text())).h1).toBe("甲");
    const b = await get("/z/2022/01/01/collide-b.html");
    expect(b.headers.get("Location")).toBe(`${BASE}/y/2022/01/01/collide-b.html`);
  });

  it("never redirects a post to itself, whatever form its stored path has", async () => {
    const odd = [
      ["loop-dots", "/a/../2022/01/01/loop-dots.html"],
      ["loop-dot", "/b/./2022/01/01/loop-dot.html"],
      ["loop-space", "/c d/2022/01/01/loop-space.html"],
      ["loop-caret", "/e^f/2022/01/01/loop-caret.html"],
    ];
    await seedPosts(odd.map(([slug, path]) => makePost({ slug: slug as string, title: `环 ${slug}`, path })));
    for (const [slug] of odd) {
      for (const start of [`/2022/01/01/${slug}.html`, `/elsewhere/2022/01/01/${slug}.html`]) {
        const { res, hops } = await follow(start, 1);
        expect(res.status, start).toBe(200);
        expect((await scan(await res.text())).h1).toBe(`环 ${slug}`);
        expect(hops.length).toBeLessThanOrEqual(1);
      }
    }
  });

  it("maps the UTC-shifted date of an offset-less time back (Jekyll's /2022/06/17/)", async () => {
    const post = byFile("2022-06-16-route-utc-midnight.md");
    expect(post.path).toBe("/routenight/2022/06/16/route-utc-midnight.html");
    const res = await get("/routenight/2022/06/17/route-utc-midnight.html");
    expect(res.headers.get("Location")).toBe(`${BASE}${post.path}`);
  });

  it("treats percent-encoding and parentheses as Jekyll wrote them", async () => {
    const odd = byFile("2022-06-18-route-odd-categories.md");
    expect(odd.path).toBe("/shijie(zhengquan)/caijing/%E8%B4%A2%E7%BB%8F/a+b/2022/06/18/route-odd-categories.html");
    expect((await get(odd.path)).status).toBe(200);
    // clients may escape what Jekyll kept, or use lower-case hex
    for (const v of [
      "/shijie%28zhengquan%29/caijing/%E8%B4%A2%E7%BB%8F/a+b/2022/06/18/route-odd-categories.html",
      "/shijie(zhengquan)/caijing/%e8%b4%a2%e7%bb%8f/a+b/2022/06/18/route-odd-categories.html",
    ]) {
      const res = await get(v);
      expect(res.status, v).toBe(301);
      expect(res.headers.get("Location")).toBe(`${BASE}${odd.path}`);
    }
    const zh = byFile("2022-06-19-route-早报.md");
    expect(zh.path).toBe("/%E6%97%A9%E6%8A%A5/2022/06/19/route-%E6%97%A9%E6%8A%A5.html");
    const { res } = await follow("/2022/06/19/route-早报.html");
    expect(res.status).toBe(200);
  });

  it("answers 404, not a redirect, for an unknown slug or a malformed escape", async () => {
    for (const path of [
      "/emnews/2021/12/08/000000000000000000.html",
      "/2021/12/08/nope.html",
      "/emnews/2021/12/08/%E0%A4%A.html",
      "/emnews/2021/12/08/.html",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Location")).toBeNull();
    }
  });
});

describe("hidden posts are 404 until visible", () => {
  it.each(hidden.map((p) => [p.path, p] as const))("%s", async (path, post) => {
    for (const v of [path, tail(post), `/emnews${tail(post)}`]) {
      const res = await get(v);
      expect(res.status, v).toBe(404);
      expect(res.headers.get("Location")).toBeNull();
      expect(await res.text()).not.toContain(post.title);
    }
  });
});

describe("old /{category}/ back-links", () => {
  const names = [...new Set(visible.flatMap((p) => p.categories))];

  it.each(names)("/%s/ answers 301 to its category page", async (name) => {
    for (const v of [`/${encodeURIComponent(name)}/`, `/${encodeURIComponent(name.toUpperCase())}/`]) {
      const res = await get(v);
      expect(res.status, v).toBe(301);
      const loc = res.headers.get("Location") ?? "";
      expect(loc.toLowerCase()).toBe(`${BASE}/category/${encodeURIComponent(name)}.html`.toLowerCase());
      expect((await get(loc)).status).toBe(200);
    }
  });

  it("answers 404 for an unknown name, and for a category with no visible post", async () => {
    for (const v of ["/nosuchsource/", "/routehidden/", "/routefuture/", "/%E0%A4%A/", "/category/", "/tag/"]) {
      const res = await get(v);
      expect(res.status, v).toBe(404);
      expect(res.headers.get("Location")).toBeNull();
    }
  });
});

describe("the 404 page", () => {
  it("is HTML, links home, and names the category the path starts with", async () => {
    const res = await get("/emnews/2030/01/01/not-a-post.html");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const page = await scan(await res.text());
    expect(page.h1).toBe("页面不存在");
    expect(page.meta.get("robots")).toBe("noindex");
    expect(page.anchors.some((a) => a.href === "/" && a.text === "返回首页")).toBe(true);
    expect(page.anchors.some((a) => a.href === "/category/emnews.html" && a.text === "前往东财滚动新闻")).toBe(true);
  });

  it("names the category for /{category} without a slash, in any case", async () => {
    const page = await scan(await (await get("/EmNews")).text());
    expect(page.anchors.some((a) => a.href === "/category/emnews.html")).toBe(true);
  });

  it("names no category when there is none, or only hidden ones", async () => {
    for (const v of ["/no-such-page", "/routefuture/2099/01/02/x.html", "/routehidden/x", "/category/nope.html"]) {
      const res = await get(v);
      expect(res.status, v).toBe(404);
      const page = await scan(await res.text());
      expect(
        page.anchors.filter((a) => a.href.startsWith("/category/")),
        v,
      ).toEqual([]);
    }
  });

  it("never reflects the path unescaped", async () => {
    const res = await get("/%3Cscript%3Ealert(1)%3C/script%3E/x");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toMatch(/<script>|alert\(1\)/);
  });
});

describe("HTTP validators on article pages", () => {
  const post = visible[0] as FixturePost;

  it("carries a strong ETag, Last-Modified and a news Cache-Control", async () => {
    const res = await get(post.path);
    const etag = res.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(res.headers.get("Last-Modified")).toBeTruthy();
    expect(res.headers.get("Cache-Control")).toMatch(/^public, max-age=300, stale-while-revalidate=\d+/);
  });

  it("answers If-None-Match with 304 and no body, and a different tag with 200", async () => {
    const etag = (await get(post.path)).headers.get("ETag") as string;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await get(post.path, { headers: { "If-None-Match": inm } });
      expect(res.status, inm).toBe(304);
      expect(await res.text()).toBe("");
      expect(res.headers.get("ETag")).toBe(etag);
    }
    const res = await get(post.path, { headers: { "If-None-Match": '"stale"' } });
    expect(res.status).toBe(200);
  });

  it("answers HEAD with the headers and no body", async () => {
    const etag = (await get(post.path)).headers.get("ETag");
    const res = await get(post.path, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(etag);
    expect(await res.text()).toBe("");
  });

  it("gives two posts different ETags", async () => {
    const [a, b] = visible;
    const ea = (await get((a as FixturePost).path)).headers.get("ETag");
    const eb = (await get((b as FixturePost).path)).headers.get("ETag");
    expect(ea).not.toBe(eb);
  });
});
