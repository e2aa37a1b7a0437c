/**
 * Properties of the parser over generated input (fast-check): hostile bytes
 * never crash it, and whatever it accepts is safe and storable.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readSimpleYaml } from "../../src/content/frontmatter";
import { canonicalPath } from "../../src/content/permalink";
import { MAX_ROW_BYTES, parsePost, rowBytes } from "../../src/content/post";
import { utf8Length } from "../../src/content/text";

const CTX = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };
const enc = new TextEncoder();

const hostile = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "]]>",
    "\u0000\u0007\uFFFE",
    '"',
    "\r\n",
    "---",
    "> 摘要。",
    "<>",
    "[返回首页](//finews.withounder.com/)",
    "<svg onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
  ),
);
const text = fc.array(hostile, { maxLength: 6 }).map((a) => a.join(""));

function assertSafe(post: Awaited<ReturnType<typeof parsePost>>) {
  if (!post.ok) {
    expect(post.reason.length).toBeGreaterThan(0);
    return;
  }
  const p = post.post;
  expect(p.title.trim()).not.toBe("");
  expect(p.title).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/);
  expect(p.path.startsWith("/")).toBe(true);
  expect(new URL(p.path, "https://finews.withounder.com").pathname).toBe(p.path);
  expect(p.bodyHtml).not.toMatch(/<script|<svg|\son\w+\s*=|javascript:|url\(/i);
  expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(rowBytes(p)).toBeLessThanOrEqual(MAX_ROW_BYTES);
  expect(Number.isFinite(p.publishedAt)).toBe(true);
}

describe("parsePost on generated input", () => {
  it("never throws on arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 30 }), async (bytes, name) => {
        assertSafe(await parsePost(bytes, `${name}.md`, CTX));
      }),
      { numRuns: 300 },
    );
  });

  it("accepts or rejects hostile front matter and bodies cleanly, and everything it accepts is safe to store and serve", async () => {
    await fc.assert(
      fc.asyncProperty(text, text, text, text, text, async (title, date, cats, tags, body) => {
        const fm = `---\ntitle: ${title.replace(/\n/g, " ")}\ndate: ${date.replace(/\n/g, " ")}\ncategories: ${cats.replace(/\n/g, " ")}\ntags: ${tags.replace(/\n/g, " ")}\n---\n`;
        assertSafe(await parsePost(enc.encode(fm + body), "2022-06-15-202206152400000001.md", CTX));
      }),
      { numRuns: 300 },
    );
  });
});

describe("canonicalPath", () => {
  it("is always a path a browser sends back unchanged", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 3 }),
        fc.string({ minLength: 1 }),
        fc.option(fc.string(), { nil: null }),
        (categories, slug, permalink) => {
          const path = canonicalPath({ categories, localDate: "2022-06-15", slug, permalink });
          expect(path.startsWith("/")).toBe(true);
          expect(new URL(path, "https://finews.withounder.com").pathname).toBe(path);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("utf8Length", () => {
  it("equals the encoded length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(utf8Length(s)).toBe(enc.encode(s).length);
      }),
      { numRuns: 500 },
    );
  });
});

describe("readSimpleYaml (the YAML fast path)", () => {
  const scalar = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.constantFrom("post", "2022-06-15 11:34:30 +0800", " +0800", "a  b", "12", "0x1F", "1e3", ".5", "true", "null", "~", "yes"),
    fc.constantFrom("a: b", "a #b", "a#b", "-x", "x-", "[a, b]", "{a: 1}", "'q'", "&a", "*a", "!t", "%", "@", "`", "|", ">"),
  );
  const value = fc.oneof(
    scalar,
    scalar.map((v) => `"${v}"`),
    scalar.map((v) => `'${v}'`),
  );
  const line = fc.tuple(
    fc.constantFrom("title", "date", "categories", "tags", "layout", "x_1", "Title"),
    fc.constantFrom(" ", "  "),
    value,
  );
  const OPTS = { schema: "core", uniqueKeys: false, prettyErrors: false, maxAliasCount: 10 } as const;

  it("reads exactly what the YAML parser reads whenever it reads anything", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const yaml = lines.map(([k, sp, v]) => `${k}:${sp}${v.replace(/[\r\n]/g, "")}`).join("\n");
        const simple = readSimpleYaml(yaml);
        if (simple === null) return;
        let full: unknown;
        try {
          full = parseYaml(yaml, OPTS) ?? {};
        } catch (err) {
          throw new Error(`fast path accepted what YAML rejects: ${JSON.stringify(yaml)} (${err})`);
        }
        expect(simple).toEqual(full);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes every line the scraper writes", () => {
    const fm =
      'layout: post\ntitle: "力保市场主体 兴业银行“零售”贷款"\ndate: 2022-06-15 11:34:30 +0800\ncategories: 21shijijingjibaodao  nancailicaitong\ntags: 河北新闻网新闻';
    expect(readSimpleYaml(fm)).toEqual({
      layout: "post",
      title: "力保市场主体 兴业银行“零售”贷款",
      date: "2022-06-15 11:34:30 +0800",
      categories: "21shijijingjibaodao  nancailicaitong",
      tags: "河北新闻网新闻",
    });
    expect(readSimpleYaml('title: "他说"不"然后"')).toBeNull();
    expect(readSimpleYaml("date:  +0800")).toBeNull();
  });
});
