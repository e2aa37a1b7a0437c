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
import { cleanText } from "../../src/content/text";
import { type ChannelInput, type FeedPost, renderFeed } from "../../src/feeds";
import { CONTENT_BUDGET } from "../../src/feeds/document";
import { absolutizeHtml, entryIdPath, imageType } from "../../src/feeds/urls";
import type { FeedFormat } from "../../src/urls";
import { hostilePosts, hostileText } from "../support/hostile-text";
import { SITE_CONFIG } from "../support/site-config";
import { parseFeed } from "./feed-parse";

const config = SITE_CONFIG;

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

describe("src/feeds renders any text as well-formed feeds", () => {
  for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
    it(`${format}: well-formed, every field carried over`, () => {
      fc.assert(
        fc.property(hostilePosts, hostileText, (posts, label) => {
          const { body, contentType } = renderFeed(format, config, channel(label), posts);
          expect(contentType).toMatch(/; charset=utf-8$/);
          const feed = parseFeed(format, body);
          expect(feed.entries).toHaveLength(posts.length);
          expect(eol(feed.title)).toBe(expected(label) || config.title);
          expect(feed.next).toBe("https://finews.withounder.com/feed/x.xml?limit=3&before=1.2");
          posts.forEach((p, i) => {
            const e = feed.entries[i];
            if (!e) throw new Error("missing entry");
            expect(eol(e.title)).toBe(expected(p.title));
            if (format !== "rss" || p.summary)
              expect(eol(e.summary)).toBe(expected(p.summary) || (format === "rss" ? expected(p.title) : ""));
            if (!/\s(?:href|src)\s*=/i.test(p.bodyHtml) && cleanText(p.bodyHtml).trim()) {
              expect(eol(e.content)).toBe(expected(p.bodyHtml));
            }
            // Line breaks and tabs in terms become spaces in every format (Atom carries them in an attribute).
            const terms = [...p.categories, ...p.tags]
              .map((t) =>
                cleanText(t)
                  .replace(/[\t\n\r]/g, " ")
                  .trim(),
              )
              .filter(Boolean);
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
    const p: FeedPost = {
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
      const { body } = renderFeed(format, config, channel("]]>"), [p]);
      const e = parseFeed(format, body).entries[0];
      expect(e?.title).toBe("]]>]]>]]]>");
      expect(e?.content).toBe("<p>]]>]]></p>]]>");
      expect(e?.categories).toEqual(["]]>"]);
    }
  });

  it("puts each body in its own entry, even bodies that spell the placeholder the bodies travel under", () => {
    const post = (i: number, bodyHtml: string): FeedPost => ({
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
      const { body } = renderFeed(format, config, channel("c"), posts);
      expect(parseFeed(format, body).entries.map((e) => e.content)).toEqual([
        "<p>1 zero</p>",
        "<p>one 0</p>",
        "<p>\\u00040\\u0004</p>",
      ]);
    }
  });

  it("caps the body HTML of one document: past the budget, entries carry their summary", () => {
    const big = (i: number): FeedPost => ({
      slug: `big${i}`,
      path: `/c/big${i}.html`,
      title: `big ${i}`,
      summary: `summary ${i}`,
      bodyHtml: `<p>${"x".repeat(Math.ceil(CONTENT_BUDGET * 0.6))}</p>`,
      firstImage: null,
      publishedAt: 0,
      updatedAt: 0,
      createdAt: 0,
      categories: [],
      tags: [],
    });
    for (const format of ["atom", "rss", "json"] as FeedFormat[]) {
      const { body } = renderFeed(format, config, channel("big"), [big(0), big(1), big(2)]);
      expect(body.length).toBeLessThan(CONTENT_BUDGET * 1.1);
      const entries = parseFeed(format, body).entries;
      expect(entries.map((e) => e.content.length > CONTENT_BUDGET / 2)).toEqual([true, false, false]);
      expect(entries[1]?.content).toBe("<p>summary 1</p>");
    }
  });

  it("dates an empty feed at the epoch, never at the request", () => {
    for (const format of ["atom", "rss"] as FeedFormat[]) {
      const feed = parseFeed(format, renderFeed(format, config, channel("x"), []).body);
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
