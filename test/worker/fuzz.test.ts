/**
 * Property-based: arbitrary Unicode titles, bodies, categories and tags
 * (control characters, `]]>`, lone surrogates, RTL marks, 100 KB strings),
 * stored in D1 and served by the Worker: every feed parses strictly, every
 * page carries the text only escaped, and every URL we generate for the post
 * leads back to it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../src/content/permalink";
import { cleanText, stripHtml } from "../../src/content/text";
import type { FeedFormat } from "../../src/urls";
import { expectWellFormed, parseFeed, unescapeHtml } from "./feed-parse";
import { get, makePost, seedPosts } from "./helpers";

const nasty = fc.constantFrom(
  "]]>",
  "<script>alert(1)</script>",
  "&amp;",
  "&",
  "<",
  ">",
  '"',
  "'",
  "\u0000",
  "\u0008",
  "\u001b",
  "\u007f",
  "\u0085",
  "\ud800",
  "\udfff",
  "\ufffe",
  "\uffff",
  "\u202e",
  "\u200f",
  "שלום",
  "مرحبا",
  "新闻",
  "😀",
  "%2F",
  "%0d%0a",
  "\r\n",
  "\t",
);
const text = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) }, { weight: 2, arbitrary: nasty }), {
    maxLength: 12,
  })
  .map((a) => a.join(""));
const nonEmpty = text.filter((s) => cleanText(s).trim().length > 0);
/** Category and tag names as Jekyll leaves them: no whitespace, well-formed UTF-16 (the seed strips lone surrogates). */
const term = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 10 })
  .map((s) => cleanText(s).replace(/\s+/g, ""))
  .filter((s) => s.length > 0 && s !== "." && s !== "..");

const FORMATS: FeedFormat[] = ["atom", "rss", "json"];
const feedPath = (cat: string, f: FeedFormat) =>
  `/category/${encodeURIComponent(cat)}/${f === "json" ? "feed.json" : `${f}.xml`}`;

const attr = (s: string) =>
  s
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/&#38;/g, "&amp;")
    .replace(/&#60;/g, "&lt;")
    .replace(/&#62;/g, "&gt;")
    .replace(/&#34;/g, "&quot;");

/** D1 stores a lone surrogate as U+FFFD (one per byte of its WTF-8 form); compare text without either. */
const comparable = (s: string) => cleanText(s).replace(/\ufffd/g, "");

function textOf(html: string, tag: string): string | null {
  const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  return m ? unescapeHtml(m[1] as string) : null;
}

let n = 0;

describe("fuzzed posts through D1, pages and feeds", () => {
  it("pages escape, feeds parse, URLs round-trip", async () => {
    await fc.assert(
      fc.asyncProperty(
        nonEmpty,
        text,
        fc.array(term, { minLength: 1, maxLength: 3 }),
        fc.array(term, { maxLength: 3 }),
        async (title, body, cats, tags) => {
          const slug = `fuzz-${++n}`;
          const localDate = "2024-02-03";
          const post = makePost({
            slug,
            title,
            summary: body.slice(0, 200),
            bodyHtml: `<p>${body}</p>`,
            categories: cats,
            categoriesRaw: cats.join(" "),
            tags,
            publishedAt: Date.UTC(2024, 1, 3, 1) + n * 1000,
            localDate,
            path: canonicalPath({ categories: cats, localDate, slug }),
          });
          await seedPosts([post]);

          const page = await get(post.path);
          expect(page.status, post.path).toBe(200);
          const html = await page.text();
          expect(comparable(textOf(html, "h1") ?? "")).toBe(comparable(title));
          // Raw markup from the title never appears unescaped.
          if (/<script>/.test(title)) expect(html).not.toContain("<script>alert(1)</script>");

          for (const cat of cats) {
            // A unique query string skips edge copies cached by earlier runs with the same category.
            const list = await get(`/category/${encodeURIComponent(cat)}.html?run=${n}`);
            expect(list.status, cat).toBe(200);
            expect(await list.text()).toContain(`href="${attr(post.path)}"`);
            for (const format of FORMATS) {
              const res = await get(`${feedPath(cat, format)}?run=${n}`);
              expect(res.status, feedPath(cat, format)).toBe(200);
              const body = await res.text();
              if (format !== "json") expectWellFormed(body, feedPath(cat, format));
              const feed = parseFeed(format, body);
              const entry = feed.entries.find((e) => e.link.endsWith(post.path));
              expect(entry, `${feedPath(cat, format)} lists the post`).toBeDefined();
              // Feed titles are text: markup stripped, whitespace collapsed (jekyll-feed's strip_html | normalize_whitespace).
              expect(
                comparable(entry?.title ?? "")
                  .replace(/\s+/g, " ")
                  .trim(),
              ).toBe(comparable(stripHtml(title)).replace(/\s+/g, " ").trim());
            }
          }
          for (const tag of tags) {
            const res = await get(`/tag/${encodeURIComponent(tag)}.html`);
            expect(res.status, tag).toBe(200);
          }
        },
      ),
      { numRuns: 40, seed: 20261128 },
    );
  }, 120_000);

  it("a 100 KB title and body still give a well-formed feed and an escaped page", async () => {
    const big = "<]]>&\u0001\ud800".repeat(14_000);
    const post = makePost({
      slug: "fuzz-big",
      title: big,
      bodyHtml: `<p>${big}</p>`,
      summary: big.slice(0, 200),
      categories: ["fuzzbig"],
      categoriesRaw: "fuzzbig",
      path: "/fuzzbig/2024/01/02/fuzz-big.html",
    });
    await seedPosts([post]);
    const page = await get(post.path);
    expect(page.status).toBe(200);
    expect(comparable(textOf(await page.text(), "h1") ?? "")).toBe(comparable(big));
    for (const format of FORMATS) {
      const res = await get(feedPath("fuzzbig", format));
      expect(res.status).toBe(200);
      const body = await res.text();
      if (format !== "json") expectWellFormed(body, format);
      expect(parseFeed(format, body).entries).toHaveLength(1);
    }
  }, 60_000);
});
