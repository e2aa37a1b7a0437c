/**
 * The parsing rules of docs/content-format.md, one by one, on small posts
 * written here (no third-party text): src/content/post.ts and the modules it
 * drives, in Node, without a database.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_ROW_BYTES, type ParseContext, type ParseResult, parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";

const CTX: ParseContext = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };
const enc = new TextEncoder();

/** A post file: front matter lines, then the body. */
function file(fm: string[], body = "正文第一句。正文第二句。", opts: { lead?: string } = {}): Uint8Array {
  return enc.encode(`${opts.lead ?? ""}---\n${fm.join("\n")}\n---\n\n${body}\n`);
}

const BASE = ["layout: post", 'title: "标题"', "date: 2022-06-15 11:34:30 +0800", "categories: emnews", "tags: 东财滚动新闻"];
const withFm = (over: Record<string, string | null>) => {
  const lines = BASE.filter((l) => !((l.split(":")[0] as string) in over));
  for (const [k, v] of Object.entries(over)) if (v !== null) lines.push(`${k}: ${v}`);
  return lines;
};

async function ok(bytes: Uint8Array, name = "2022-06-15-202206152400000001.md", ctx = CTX) {
  const r = await parsePost(bytes, name, ctx);
  if (!r.ok) throw new Error(`expected ${name} to parse, got: ${r.reason}`);
  return r as Extract<ParseResult, { ok: true }>;
}
async function rejected(bytes: Uint8Array, name = "2022-06-15-202206152400000001.md") {
  const r = await parsePost(bytes, name, CTX);
  if (r.ok) throw new Error(`expected ${name} to be rejected, got ${JSON.stringify(r.post.title)}`);
  return r;
}
const shanghai = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 8, mi, s);

describe("filename and slug", () => {
  it("takes the slug after YYYY-MM-DD- as the post's identity", async () => {
    const r = await ok(file(BASE), "2022-06-15-NW202206152413395749.md");
    expect(r.post.slug).toBe("NW202206152413395749");
    expect(r.warnings).toEqual([]);
  });

  it("accepts .markdown and slugifies the way Jekyll does (pretty mode, case kept)", async () => {
    const r = await ok(file(BASE), "2022-06-15-Hello World: 你好!.markdown");
    expect(r.post.slug).toBe("Hello-World-你好!");
    expect(r.post.path).toBe("/emnews/2022/06/15/Hello-World-%E4%BD%A0%E5%A5%BD!.html");
  });

  it("accepts a dateless filename when the front matter has the date, with a warning", async () => {
    const r = await ok(file(BASE), "-202206152400000001.md");
    expect(r.post.slug).toBe("202206152400000001");
    expect(r.post.publishedAt).toBe(shanghai(2022, 6, 15, 11, 34, 30));
    expect(r.warnings.join("\n")).toMatch(/filename has no YYYY-MM-DD- date prefix/);
  });

  it("dates a dateless filename with an empty date from the infoCode's first eight digits, with warnings", async () => {
    const r = await ok(file(withFm({ date: "" })), "-202205262391921712.md");
    expect(r.post.localDate).toBe("2022-05-26");
    expect(r.post.publishedAt).toBe(shanghai(2022, 5, 26));
    expect(r.warnings.join("\n")).toMatch(/date is empty; used 2022-05-26 .* from the infoCode/);
  });

  it("rejects a file whose date can be found nowhere", async () => {
    const r = await rejected(file(withFm({ date: "" })), "no-date-here.md");
    expect(r.reason).toMatch(/date is empty, and neither the filename nor an infoCode gives one/);
  });

  it("rejects a filename that has a date but no slug", async () => {
    const r = await rejected(file(BASE), "2022-06-15-.md");
    expect(r.reason).toMatch(/filename has no slug/);
  });
});

describe("front matter block", () => {
  it("tolerates a UTF-8 BOM and CRLF line ends without a warning", async () => {
    const text = `\uFEFF---\r\n${BASE.join("\r\n")}\r\n---\r\n\r\n第一段。\r\n\r\n第二段。\r\n`;
    const r = await ok(enc.encode(text));
    expect(r.post.title).toBe("标题");
    expect(r.post.bodyMd).toBe("第一段。\n\n第二段。");
    expect(r.warnings).toEqual([]);
  });

  it("reads the front matter after blank lines before the opening ---, with a warning", async () => {
    const r = await ok(file(BASE, "正文。", { lead: "\n\n" }));
    expect(r.post.title).toBe("标题");
    expect(r.warnings).toEqual([expect.stringMatching(/2 blank lines before the opening '---'/)]);
  });

  it("rejects a front matter block that never closes, naming its line", async () => {
    const r = await rejected(enc.encode(`\n---\n${BASE.join("\n")}\n\n正文。\n`));
    expect(r.reason).toBe("front matter opened on line 2 never closes (no second '---' line)");
  });

  it("rejects a file without front matter", async () => {
    const r = await rejected(enc.encode("# 只是正文\n"));
    expect(r.reason).toMatch(/no front matter/);
  });

  it("accepts '...' as the closing line, as Jekyll does", async () => {
    const r = await ok(enc.encode(`---\n${BASE.join("\n")}\n...\n\n正文。\n`));
    expect(r.post.bodyMd).toBe("正文。");
  });
});

describe("YAML that fails to parse", () => {
  it('keeps the whole title of `title: "他说"不"然后"` by reading known keys line by line, with a warning', async () => {
    const r = await ok(file(withFm({ title: '"他说"不"然后"' })));
    expect(r.post.title).toBe('他说"不"然后');
    expect(r.post.categories).toEqual(["emnews"]);
    expect(r.post.publishedAt).toBe(shanghai(2022, 6, 15, 11, 34, 30));
    expect(r.warnings).toEqual([expect.stringMatching(/front matter is not valid YAML .*read known keys line by line/)]);
  });

  it("reads published, permalink, tags lists and the singular category in the fallback too", async () => {
    const fm = [
      'title: "a "b" c"',
      "date: 2022-06-15 10:00:00 +0800",
      "category: Single",
      "tags:",
      "  - 标签一",
      "  - 标签二",
      "published: false",
      "permalink: /special/:title/",
    ];
    const r = await ok(file(fm));
    expect(r.post).toMatchObject({
      title: 'a "b" c',
      categories: ["Single"],
      tags: ["标签一", "标签二"],
      published: false,
      permalink: "/special/:title/",
      path: "/special/202206152400000001/",
    });
  });

  it("still recovers title and date from elsewhere when the broken YAML has neither", async () => {
    const r = await ok(file(['title: ""', "date: [", "categories: emnews"], "> 摘要第一句。摘要第二句。\n\n正文。"));
    expect(r.warnings.join("\n")).toMatch(/not valid YAML[\s\S]*date "\[" is not[\s\S]*title is empty/);
    expect(r.post.title).toBe("摘要第一句。");
    expect(r.post.localDate).toBe("2022-06-15");
  });

  it.each([
    ["categories: [emnews", "categories", "an unclosed '['"],
    ["categories: {emnews}", "categories", "a YAML mapping, not names"],
    ['tags: "东财滚动新闻', "tags", "an unclosed double quote"],
    ["category: [a, 'b]", "category", "an unclosed single quote"],
    ["tags:\n  - [东财", "tags", "an unclosed '['"],
  ])("never takes a name from broken syntax the fallback reads (%s)", async (line, key, why) => {
    const r = await ok(file(['title: "他说"不"然后"', "date: 2022-06-15 11:34:30 +0800", line]));
    expect(r.warnings.join("\n")).toContain(`${key}: `);
    expect(r.warnings.join("\n")).toContain(`is broken YAML (${why}); left out`);
    for (const name of [...r.post.categories, ...r.post.tags, r.post.categoriesRaw]) expect(name).not.toMatch(/[[\]{}"']/);
    expect(r.post.path).toBe("/2022/06/15/202206152400000001.html");
  });

  it("keeps well-formed names beside a dropped one", async () => {
    const r = await ok(
      file(['title: "他说"不"然后"', "date: 2022-06-15 11:34:30 +0800", "categories: [emnews", "tags: [东财滚动新闻, '快讯']"]),
    );
    expect(r.post.categories).toEqual([]);
    expect(r.post.tags).toEqual(["东财滚动新闻", "快讯"]);
  });

  it("rejects only when neither a title nor a date can be recovered", async () => {
    const r = await rejected(file(['title: "x"y"', "date: ["], "正文。"), "broken.md");
    expect(r.reason).toMatch(/date "\[" is not .*, and neither the filename nor an infoCode gives one/);
    const r2 = await rejected(file(['title: ""', "date: ["], "   "));
    expect(r2.reason).toMatch(/title is empty and the body has no text/);
  });
});

describe("date", () => {
  it("reads YYYY-MM-DD HH:MM:SS ±HHMM as written", async () => {
    const r = await ok(file(withFm({ date: "2022-06-15 11:34:30 -0500" })));
    expect(r.post.publishedAt).toBe(Date.UTC(2022, 5, 15, 16, 34, 30));
    expect(r.post.localDate).toBe("2022-06-16");
  });

  it("reads a date without an offset as SITE_TIMEZONE wall time (Jekyll read it as UTC)", async () => {
    const r = await ok(file(withFm({ date: "2022-06-16 23:59:30" })), "2022-06-16-202206162400000001.md");
    expect(r.post.publishedAt).toBe(shanghai(2022, 6, 16, 23, 59, 30));
    expect(r.post.localDate).toBe("2022-06-16");
    expect(r.post.path).toBe("/emnews/2022/06/16/202206162400000001.html");
  });

  it("follows the configured time zone", async () => {
    const r = await ok(file(withFm({ date: "2022-01-15 12:00" })), undefined, { ...CTX, timeZone: "America/New_York" });
    expect(r.post.publishedAt).toBe(Date.UTC(2022, 0, 15, 17, 0, 0));
  });

  it("accepts a date alone and HH:MM without seconds", async () => {
    expect((await ok(file(withFm({ date: "2022-06-15" })))).post.publishedAt).toBe(shanghai(2022, 6, 15));
    expect((await ok(file(withFm({ date: "2022-06-15 08:05 +0800" })))).post.publishedAt).toBe(shanghai(2022, 6, 15, 8, 5));
  });

  it("takes an empty date, or one that is only an offset, from the filename with a warning", async () => {
    for (const date of ['""', " +0800"]) {
      const r = await ok(file(withFm({ date })), "2022-06-14-202206152400000001.md");
      expect(r.post.localDate).toBe("2022-06-14");
      expect(r.warnings.join("\n")).toMatch(/date is empty.*used 2022-06-14 \(midnight, site time\) from the filename/);
    }
  });

  it("falls back to the filename for an impossible date, naming it", async () => {
    const r = await ok(file(withFm({ date: "2022-02-30 10:00:00" })), "2022-02-28-x.md");
    expect(r.post.localDate).toBe("2022-02-28");
    expect(r.warnings.join("\n")).toMatch(/date "2022-02-30 10:00:00" is not YYYY-MM-DD/);
  });
});

describe("title", () => {
  it("takes the first sentence of a leading > digest when the title is empty", async () => {
    const r = await ok(file(withFm({ title: '""' }), "> 摘要**第一句**。摘要第二句。\n> 续行\n\n正文。"));
    expect(r.post.title).toBe("摘要第一句。");
    expect(r.warnings).toEqual([expect.stringMatching(/title is empty; used the first sentence of the digest/)]);
  });

  it("else the first sentence of the body text, at most 80 characters", async () => {
    const long = "很".repeat(200);
    const r = await ok(file(withFm({ title: null }), `<p>${long}</p>`));
    expect(Array.from(r.post.title).length).toBeLessThanOrEqual(80);
    expect(r.post.title.startsWith("很很很")).toBe(true);
    const r2 = await ok(file(withFm({ title: '""' }), "<p>第一句话！第二句。</p>"));
    expect(r2.post.title).toBe("第一句话！");
    expect(r2.warnings.join("\n")).toMatch(/first sentence of the body/);
  });

  it("collapses whitespace and keeps markup-like text as text", async () => {
    const r = await ok(file(withFm({ title: '"  A\\t<b>B</b>  "' })));
    expect(r.post.title).toBe("A <b>B</b>");
  });
});

describe("categories and tags", () => {
  it("splits a whitespace-separated string as Jekyll does and keeps the raw string, double spaces included", async () => {
    const r = await ok(file(withFm({ categories: "21shijijingjibaodao  nancailicaitong" })));
    expect(r.post.categories).toEqual(["21shijijingjibaodao", "nancailicaitong"]);
    expect(r.post.categoriesRaw).toBe("21shijijingjibaodao  nancailicaitong");
    expect(r.post.path).toBe("/21shijijingjibaodao/nancailicaitong/2022/06/15/202206152400000001.html");
  });

  it("keeps YAML list items whole and lowercases/de-duplicates only in the URL", async () => {
    const r = await ok(file(withFm({ categories: "[TechWeb, Techweb, 'anxinguojizhengquan(xianggang)']" })));
    expect(r.post.categories).toEqual(["TechWeb", "Techweb", "anxinguojizhengquan(xianggang)"]);
    expect(r.post.path).toBe("/techweb/anxinguojizhengquan(xianggang)/2022/06/15/202206152400000001.html");
  });

  it("adds the singular category (never split) to categories, as Jekyll 4 does", async () => {
    const r = await ok(file(withFm({ categories: null, category: "Single Name" })));
    expect(r.post.categories).toEqual(["Single Name"]);
    expect(r.post.path).toBe("/single%20name/2022/06/15/202206152400000001.html");
    const both = await ok(file(withFm({ categories: "a b", category: "c" })));
    expect(both.post.categories).toEqual(["a", "b", "c"]);
  });

  it("splits only on ASCII whitespace (an ideographic space stays inside a name)", async () => {
    const r = await ok(file(withFm({ categories: "金融\u3000新闻 other" })));
    expect(r.post.categories).toEqual(["金融\u3000新闻", "other"]);
  });

  it("reads tags as a string or a list, the singular tag winning", async () => {
    expect((await ok(file(withFm({ tags: "甲 乙" })))).post.tags).toEqual(["甲", "乙"]);
    expect((await ok(file(withFm({ tags: "[甲 乙, 丙]" })))).post.tags).toEqual(["甲 乙", "丙"]);
    expect((await ok(file(withFm({ tags: "甲", tag: "唯一 标签" })))).post.tags).toEqual(["唯一 标签"]);
  });

  it("accepts a post without categories", async () => {
    const r = await ok(file(withFm({ categories: null })));
    expect(r.post.categories).toEqual([]);
    expect(r.post.path).toBe("/2022/06/15/202206152400000001.html");
  });
});

describe("published, future dates, permalink", () => {
  it("stores published: false as hidden", async () => {
    expect((await ok(file(withFm({ published: "false" })))).post.published).toBe(false);
    expect((await ok(file(withFm({ published: "true" })))).post.published).toBe(true);
    expect((await ok(file(BASE))).post.published).toBe(true);
  });

  it("stores a future date as it is (visibility is decided per request)", async () => {
    const r = await ok(file(withFm({ date: "2099-01-01 00:00:00 +0800" })), "2099-01-01-future.md");
    expect(r.post.publishedAt).toBe(shanghai(2099, 1, 1));
    expect(r.warnings).toEqual([]);
  });

  it("lets permalink: override the canonical path, expanding Jekyll placeholders", async () => {
    const r = await ok(file(withFm({ permalink: "/:categories/:year/:i_month/:title:output_ext" })));
    expect(r.post.path).toBe("/emnews/2022/6/202206152400000001.html");
    const rel = await ok(file(withFm({ permalink: "关于/" })));
    expect(rel.post.path).toBe("/%E5%85%B3%E4%BA%8E/");
    expect(rel.warnings.join("\n")).toMatch(/does not start with '\/'/);
  });

  it("never stores a path a browser would rewrite (hostile '..' categories)", async () => {
    const r = await ok(file(withFm({ categories: "../.. ./x" })));
    expect(r.post.path).toBe(new URL(r.post.path, "https://h.example").pathname);
    expect(r.post.path).not.toMatch(/\/\.\.?\//);
  });
});

describe("infoCode", () => {
  const share = (host: string, code: string) => `正文。\n\n<http://${host}/html_News/NewsShare.html?infoCode=${code}>`;
  it("comes from the trailing share link", async () => {
    const r = await ok(file(BASE, share("finews.zning.xyz", "NW202206152413395749")), "2022-06-15-other-slug.md");
    expect(r.post.infoCode).toBe("NW202206152413395749");
    expect(r.post.shareUrl).toBe("http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202206152413395749");
  });

  it("or from a share link anywhere in the body", async () => {
    const body =
      '<p>见 <a href="http://choicewzp1.eastmoney.com/html_News/NewsShare.html?a=1&amp;infoCode=202206152400000077">原文</a></p>';
    const r = await ok(file(BASE, body), "2022-06-15-other-slug.md");
    expect(r.post.infoCode).toBe("202206152400000077");
    expect(r.post.shareUrl).toBeNull();
  });

  it("else the slug when it looks like one (NW + digits, or digits)", async () => {
    expect((await ok(file(BASE), "2022-06-15-nw202206152413395749.md")).post.infoCode).toBe("NW202206152413395749");
    expect((await ok(file(BASE), "2022-06-15-202206152400000001.md")).post.infoCode).toBe("202206152400000001");
    expect((await ok(file(BASE), "2022-06-15-init.md")).post.infoCode).toBeNull();
    expect((await ok(file(BASE), "2022-06-15-AB123456789.md")).post.infoCode).toBeNull();
  });
});

describe("body, trailing navigation, summary", () => {
  it("turns the rolling-news navigation into fields and removes it from the body", async () => {
    const body =
      "正文。\n\n<http://finance.eastmoney.com/a/202206152400000001.html>\n\n" +
      "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)";
    const r = await ok(file(BASE, body));
    expect(r.post).toMatchObject({
      bodyMd: "正文。",
      sourceUrl: "http://finance.eastmoney.com/a/202206152400000001.html",
      shareUrl: null,
      backLink: "/emnews/",
    });
    expect(r.post.bodyHtml).toBe("<p>正文。</p>");
  });

  it("handles the older two-line relative back-links and the empty <> source link", async () => {
    const r = await ok(file(BASE, "正文。\n\n<>\n\n[返回东财滚动新闻](../emnews/)\n[返回首页](../)"));
    expect(r.post).toMatchObject({ bodyMd: "正文。", sourceUrl: null, backLink: "/emnews/" });
  });

  it("reads the source-news and market-news back-links as site paths", async () => {
    const nav = (back: string) =>
      `<p>正文。</p>\n\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202206152413395749>\n\n[返回河北新闻网新闻](${back})｜[返回首页](//finews.withounder.com/)`;
    expect((await ok(file(BASE, nav("//finews.withounder.com/category/hebeixinwenwang.html")))).post.backLink).toBe(
      "/category/hebeixinwenwang.html",
    );
    expect((await ok(file(BASE, nav("//finews.withounder.com/hebeixinwenwang/")))).post.backLink).toBe("/hebeixinwenwang/");
  });

  it("never mistakes a closing HTML tag on the last line for a link", async () => {
    const r = await ok(file(BASE, "<div>\n<p>正文。</p>\n</div>"));
    expect(r.post.bodyMd).toBe("<div>\n<p>正文。</p>\n</div>");
    expect(r.post.sourceUrl).toBeNull();
  });

  it("renders markdown with embedded HTML through the allowlist sanitizer, storing source and HTML", async () => {
    const body =
      '**粗体** <img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">链接</a>\n\n' +
      '<p style="display:none;height:1px"><br /></p><p><a href="http://quote.eastmoney.com/x"><img src="https://dfscdn.dfcfw.com/a.jpg?x=1&y=2" onload="x()"></a></p>';
    const r = await ok(file(BASE, body));
    expect(r.post.bodyMd).toBe(body);
    expect(r.post.bodyHtml).toContain("<strong>粗体</strong>");
    expect(r.post.bodyHtml).not.toMatch(/script|onerror|onload|javascript:|display:none/);
    // A linked image in an otherwise empty paragraph survives.
    expect(r.post.bodyHtml).toContain('<img src="https://dfscdn.dfcfw.com/a.jpg?x=1&amp;y=2" />');
    expect(r.post.firstImage).toBe("https://dfscdn.dfcfw.com/a.jpg?x=1&y=2");
  });

  it("separates table cells, list items and blocks with spaces in the summary", async () => {
    const body = "| 代码 | 名称 |\n| --- | --- |\n| 600000 | 浦发银行 |\n\n- 第一条\n- 第二条\n\n<div>甲</div><div>乙</div>";
    const r = await ok(file(BASE, body));
    expect(r.post.summary).toBe("代码 名称 600000 浦发银行 第一条 第二条 甲 乙");
  });

  it("stores a plain-text summary of about 200 characters", async () => {
    const r = await ok(file(BASE, `<p>${"这是一段很长的正文，".repeat(60)}</p>`));
    expect(Array.from(r.post.summary).length).toBeLessThanOrEqual(200);
    expect(Array.from(r.post.summary).length).toBeGreaterThan(150);
    expect(r.post.summary).not.toMatch(/[<>]/);
  });
});

describe("text hygiene", () => {
  it("removes control characters other than tab and newline, and U+FFFE/U+FFFF, with a warning", async () => {
    const r = await ok(file(withFm({ title: '"标\u0007题"' }), "正\u0000文\tA\u0085B\uFFFE\uFFFF。"));
    expect(r.post.title).toBe("标题");
    expect(r.post.bodyMd).toBe("正文\tAB。");
    expect(r.warnings).toEqual([expect.stringMatching(/^removed 5 control characters/)]);
  });

  it("rejects invalid UTF-8, naming the byte offset", async () => {
    const good = file(BASE, "正文");
    for (const [bad, where] of [
      [[0xff], 0],
      [[0xc3, 0x28], 0],
      [[0xe4, 0xb8], 0],
      [[0xed, 0xa0, 0x80], 0], // an encoded surrogate
      [[0xc0, 0xaf], 0], // overlong
    ] as const) {
      const bytes = new Uint8Array([...good.slice(0, 20), ...bad, ...good.slice(20)]);
      const r = await rejected(bytes);
      expect(r.reason).toBe(`invalid UTF-8 at byte offset ${20 + where}`);
    }
  });
});

describe("size", () => {
  it("rejects a post whose stored row would exceed D1's 2,000,000-byte limit, stating both numbers", async () => {
    // 0.5 MB of markdown renders to 2.5 MB of HTML (each & becomes &amp;): the stored row is over the limit.
    const r = await rejected(file(BASE, "&".repeat(500_000)));
    const m = /its row would be (\d+) bytes, over D1's limit of 2000000 bytes/.exec(r.reason);
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThan(MAX_ROW_BYTES);
  });

  it("rejects a body over the limit before rendering it", async () => {
    const r = await rejected(file(BASE, "a".repeat(2_100_000)));
    expect(r.reason).toMatch(/its markdown alone is 2100000 bytes, over D1's limit of 2000000 bytes/);
  });

  it("accepts a large post that fits", async () => {
    const r = await ok(file(BASE, "字".repeat(200_000)));
    expect(r.post.bodyMd.length).toBe(200_000);
  });
});

describe("content hash", () => {
  const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");
  it("is the same for the same file, with the Web Crypto default or a synchronous hasher", async () => {
    const a = await ok(file(BASE));
    const b = await parsePost(file(BASE), "2022-06-15-202206152400000001.md", { ...CTX, sha256 });
    expect(b.ok && b.post.hash).toBe(a.post.hash);
    expect(a.post.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with any stored field", async () => {
    const a = (await ok(file(BASE))).post as PostRecord;
    const b = (await ok(file(BASE, "正文第一句。正文第二句！"))).post;
    const c = (await ok(file(withFm({ tags: "别的" })))).post;
    expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
  });
});
