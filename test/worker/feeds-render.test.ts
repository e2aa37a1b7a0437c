/**
 * @module test/worker/feeds-render
 * src/feeds on its own, in the Workers runtime: for arbitrary UTF-16 text
 * (every control character, lone surrogates, `]]>`, `&`, `<`, entity
 * look-alikes) in every field, each format stays well-formed and carries
 * the text minus only the characters XML cannot hold. Stored posts never
 * reach this far with lone surrogates (D1 replaces them), so this is where
 * that class is exercised.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanText, squash, stripHtml } from "../../src/content/text";
import { type ChannelInput, fragmentsToStore, MAX_DOCUMENT_BYTES } from "../../src/feeds";
import { renderFeedText } from "../support/render-feed";
import { absolutizeHtml, entryIdPath, imageType } from "../../src/feeds/urls";
import type { FeedFormat } from "../../src/urls";
import { asItems, hostilePosts, hostileText, type TestPost } from "../support/hostile-text";
import { SITE_CONFIG } from "../support/site-config";
import { parseFeed } from "./feed-parse";

const config = SITE_CONFIG;
const OPTS = { fullItems: 20, hubUrl: null };

const channel = (label: string): ChannelInput => ({
  title: label,
  description: `${label} — 描述`,
  homePath: "/category/x.html",
  selfPath: "/feed/x.xml?limit=3",
  idPath: "/feed/x.xml",
  feedPath: "/feed/x.xml?limit=3",
  nextPath: "/feed/x.xml?limit=3&before=1.2",
});

/** What a conforming XML parser hands back for text: line ends normalized. */
const eol = (s: string) => s.replace(/\r\n?/g, "\n");
const expected = (s: string) => eol(cleanText(s).trim());
/** Titles and summaries as jekyll-feed writes them: no markup, whitespace collapsed. */
const expectedTitle = (s: string) => squash(stripHtml(cleanText(s)));
const expectedSummary = (s: string) => squash(cleanText(s));

describe("src/feeds renders any text as well-formed feeds", () => {
  for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
    it(`${format}: well-formed, every field carried over`, () => {
      fc.assert(
        fc.property(hostilePosts, hostileText, (posts, label) => {
          const { body, contentType } = renderFeedText(format, config, channel(label), asItems(posts), OPTS);
          expect(contentType).toMatch(/; charset=utf-8$/);
          const feed = parseFeed(format, body);
          expect(feed.entries).toHaveLength(posts.length);
          expect(eol(feed.title)).toBe(squash(cleanText(label)) || config.title);
          expect(feed.next).toBe("https://finews.withounder.com/feed/x.xml?limit=3&before=1.2");
          posts.forEach((p, i) => {
            const e = feed.entries[i];
            if (!e) throw new Error("missing entry");
            expect(e.title).toBe(expectedTitle(p.title));
            if (format !== "rss" || expectedSummary(p.summary))
              expect(e.summary).toBe(expectedSummary(p.summary) || (format === "rss" ? expectedTitle(p.title) : ""));
            if (!/\s(?:href|src)\s*=/i.test(p.bodyHtml) && cleanText(p.bodyHtml).trim()) {
              expect(eol(e.content)).toBe(expected(p.bodyHtml));
            }
            // Line breaks and tabs in terms become spaces in every format (Atom carries them in an attribute).
            const terms = [...p.categories, ...p.tags].map((t) => squash(cleanText(t))).filter(Boolean);
            expect(e.categories).toEqual([...new Set(terms)]);
            expect(e.published).toBe(p.publishedAt - (format === "rss" ? p.publishedAt % 1000 : 0));
            expect(new URL(e.link).origin).toBe(config.siteUrl);
          });
        }),
        { numRuns: 150 },
      );
    });
  }

  it("keeps CDATA intact when `]]>` repeats", () => {
    const p: TestPost = {
      slug: "s",
      path: "/c/s.html",
      title: "]]>]]>]]]>",
      summary: "]]>]]>",
      bodyHtml: "<p>]]>]]></p>]]>",
      firstImage: null,
      publishedAt: 0,
      updatedAt: 0,
      createdAt: 0,
      categories: ["]]>"],
      tags: [],
    };
    for (const format of ["atom", "rss"] as FeedFormat[]) {
      const { body } = renderFeedText(format, config, channel("]]>"), asItems([p]), OPTS);
      const e = parseFeed(format, body).entries[0];
      expect(e?.title).toBe("]]>]]>]]]>");
      expect(e?.content).toBe("<p>]]>]]></p>]]>");
      expect(e?.categories).toEqual(["]]>"]);
    }
  });

  it("puts each body in its own entry, even bodies that spell the placeholder the bodies travel under", () => {
    const post = (i: number, bodyHtml: string): TestPost => ({
      slug: `s${i}`,
      path: `/c/s${i}.html`,
      title: `t${i}`,
      summary: "",
      bodyHtml,
      firstImage: null,
      publishedAt: 1000 - i,
      updatedAt: 0,
      createdAt: 0,
      categories: ["c"],
      tags: [],
    });
    const posts = [post(0, "<p>\u00041\u0004 zero</p>"), post(1, "<p>one \u00040\u0004</p>"), post(2, "<p>\\u00040\\u0004</p>")];
    for (const format of ["atom", "rss"] as FeedFormat[]) {
      const { body } = renderFeedText(format, config, channel("c"), asItems(posts), OPTS);
      expect(parseFeed(format, body).entries.map((e) => e.content)).toEqual([
        "<p>1 zero</p>",
        "<p>one 0</p>",
        "<p>\\u00040\\u0004</p>",
      ]);
    }
  });

  const big = (i: number, bodyChars: number): TestPost => ({
    slug: `big${i}`,
    path: `/c/big${i}.html`,
    title: `big ${i}`,
    summary: `summary ${i}`,
    bodyHtml: `<p>${"x".repeat(bodyChars)}</p>`,
    firstImage: null,
    publishedAt: 1000 - i,
    updatedAt: 0,
    createdAt: 0,
    categories: [],
    tags: [],
  });

  it("never writes a document over 2 MB, whatever the bodies: bodies that do not fit leave their entry with its summary", () => {
    // Three bodies just under D1's 2 MB row limit.
    const posts = [0, 1, 2].map((i) => big(i, 1_990_000));
    for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
      const { body } = renderFeedText(format, config, channel("big"), asItems(posts), OPTS);
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
      const entries = parseFeed(format, body).entries;
      expect(entries.map((e) => e.title)).toEqual(["big 0", "big 1", "big 2"]);
      // The first body fits alone (with the frame); the others would not.
      expect(entries.map((e) => e.content.length > 1_000_000)).toEqual([true, false, false]);
      // JSON Feed carries a summary-only entry's summary as its content_text.
      expect(entries.map((e) => e.summary || e.content)).toEqual(["summary 0", "summary 1", "summary 2"]);
    }
  });

  it("fills the budget in order: full bodies while they fit, then summaries, then ends early with a next link", () => {
    const posts = Array.from({ length: 40 }, (_, i) => big(i, 30_000));
    for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
      const { body } = renderFeedText(format, config, channel("big"), asItems(posts), {
        ...OPTS,
        maxBytes: 100_000,
        nextPathAfter: (i) => `/feed/x.xml?before=${i}`,
      });
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(100_000);
      const feed = parseFeed(format, body);
      const full = feed.entries.map((e) => e.content.length > 1000);
      // Three bodies of 30 KB fit in 100 KB; the rest carry summaries; the document ends before the 40th.
      expect(full.slice(0, 3)).toEqual([true, true, true]);
      expect(full.slice(3).every((f) => !f)).toBe(true);
      expect(feed.entries.length).toBeLessThan(40);
      expect(feed.next).toBe(`https://finews.withounder.com/feed/x.xml?before=${feed.entries.length - 1}`);
    }
  });

  it("carries full bodies in the first FEED_FULL_ITEMS entries only", () => {
    const posts = Array.from({ length: 8 }, (_, i) => big(i, 50));
    for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
      const feed = parseFeed(
        format,
        renderFeedText(format, config, channel("c"), asItems(posts), { ...OPTS, fullItems: 3 }).body,
      );
      expect(feed.entries.map((e) => e.content.includes("xxxxx"))).toEqual([true, true, true, false, false, false, false, false]);
      expect(feed.entries.map((e) => e.summary || e.content)).toEqual(posts.map((p) => p.summary));
    }
  });

  it("renders the same document from stored fragments as from none, for any text", () => {
    fc.assert(
      fc.property(hostilePosts, (posts) => {
        const fragments = fragmentsToStore(config, posts);
        const stored = asItems(posts).map((item, i) => {
          const f = fragments[i];
          if (!f) throw new Error("no fragment");
          return (format: FeedFormat) => ({ ...item, fragment: f[format], fragmentKey: f.key });
        });
        for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
          // Stored fragments are dated at publication; so are these posts when never edited.
          const fresh = asItems(posts.map((p) => ({ ...p, updatedAt: 0, createdAt: 0 })));
          const live = renderFeedText(format, config, channel("c"), fresh, OPTS).body;
          const fromStore = renderFeedText(
            format,
            config,
            channel("c"),
            stored.map((s, i) => ({ ...s(format), updatedAt: 0, createdAt: 0, bodyHtml: (posts[i] as TestPost).bodyHtml })),
            OPTS,
          ).body;
          expect(fromStore).toBe(live);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("renders a fragment again when it was stored for another site or author", () => {
    const [p] = [big(0, 10)];
    const other = fragmentsToStore({ ...config, siteUrl: "https://elsewhere.example" }, [p as TestPost])[0];
    const item = { ...asItems([p as TestPost])[0], fragment: other?.atom ?? null, fragmentKey: other?.key ?? null } as ReturnType<
      typeof asItems
    >[number];
    const body = renderFeedText("atom", config, channel("c"), [item], OPTS).body;
    expect(body).not.toContain("elsewhere.example");
    expect(parseFeed("atom", body).entries[0]?.link).toBe("https://finews.withounder.com/c/big0.html");
  });

  it("dates an empty feed at the epoch, never at the request", () => {
    for (const format of ["atom", "rss"] as FeedFormat[]) {
      const feed = parseFeed(format, renderFeedText(format, config, channel("x"), [], OPTS).body);
      expect(feed.entries).toEqual([]);
      expect(feed.updated).toBe(0);
    }
  });
});

describe("feed URL helpers", () => {
  it("computes Jekyll's post.id: the URL's directory plus the slug", () => {
    expect(entryIdPath("/emnews/2021/12/08/202112082206710723.html", "202112082206710723")).toBe(
      "/emnews/2021/12/08/202112082206710723",
    );
    // Custom permalinks: File.dirname(url) + slug, as Jekyll does.
    expect(entryIdPath("/news/hello/", "hello")).toBe("/news/hello");
    expect(entryIdPath("/about.html", "2021-init")).toBe("/2021-init");
    expect(entryIdPath("/a/b/2024/01/02/早报.html", "早报")).toBe("/a/b/2024/01/02/%E6%97%A9%E6%8A%A5");
    expect(entryIdPath("/a/2024/01/02/%E6%97%A9%E6%8A%A5.html", "早报")).toBe("/a/2024/01/02/%E6%97%A9%E6%8A%A5");
  });

  it("makes relative href/src absolute and leaves absolute, mailto and text alone", () => {
    const base = "https://finews.withounder.com/emnews/2021/12/08/x.html";
    expect(
      absolutizeHtml(
        '<p title="href=&quot;/t&quot;">href="/text" <a href="/category/emnews.html">a</a> <a href="../y.html?a=1&amp;b=2">b</a> ' +
          '<img src="//img.example.com/a.png" alt="x"> <a href="https://other.example/p">c</a> <a href="mailto:x@y.z">d</a> <a href="#top">e</a> <a href="">f</a></p>',
        base,
      ),
    ).toBe(
      '<p title="href=&quot;/t&quot;">href="/text" <a href="https://finews.withounder.com/category/emnews.html">a</a> ' +
        '<a href="https://finews.withounder.com/emnews/2021/12/y.html?a=1&amp;b=2">b</a> <img src="https://img.example.com/a.png" alt="x"> ' +
        '<a href="https://other.example/p">c</a> <a href="mailto:x@y.z">d</a> <a href="https://finews.withounder.com/emnews/2021/12/08/x.html#top">e</a> <a href="">f</a></p>',
    );
  });

  it("tells an image's media type from its extension only when it is a known one", () => {
    expect(imageType("https://a.b/x.JPG")).toBe("image/jpeg");
    expect(imageType("https://a.b/x.webp?w=1")).toBe("image/webp");
    expect(imageType("https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=1")).toBeNull();
    expect(imageType("https://a.b/noext")).toBeNull();
    expect(imageType("not a url")).toBeNull();
  });
});
