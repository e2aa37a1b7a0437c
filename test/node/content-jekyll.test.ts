/**
 * "Split as Jekyll does": the categories, tags and URLs the parser derives,
 * checked against Jekyll 4 itself (Debian's `jekyll`) on this project's seed
 * fixtures plus edge cases written here. Skipped when jekyll is not installed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "../../src/content/dates";
import { canonicalPath } from "../../src/content/permalink";
import { parsePost } from "../../src/content/post";
import { ROOT } from "../support/fixtures";
import { requires, runs } from "../support/requires";

const HAVE_JEKYLL = requires(
  "content-jekyll",
  "jekyll",
  runs("jekyll", ["--version"]),
  "apt-get install jekyll ruby-jekyll-feed",
);
const TEMPLATES = join(ROOT, "test/fixtures/seed/templates");
const CTX = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };

// Front matter edge cases; every date carries its offset (Jekyll reads offset-less times as UTC).
const EDGE: Record<string, string> = {
  "2023-04-01-double-space.md": "categories: 21shijijingjibaodao  nancailicaitong\ntags: 甲 乙",
  "2023-04-02-list.md": "categories: [TechWeb, Techweb, 'a b']\ntags: [甲 乙, 丙]",
  "2023-04-03-singular.md": "category: Single Name\ntag: 唯一 标签",
  "2023-04-04-both.md": "categories: x y\ncategory: z\ntags: t",
  "2023-04-05-parens.md": "categories: anxinguojizhengquan(xianggang) 中文类别\ntags: 新闻",
  "2023-04-06-permalink.md": "categories: emnews\npermalink: /:categories/:year/:month/:day/:title-x:output_ext",
  "2023-04-07-Mixed Case & 符号!.md": "categories: MiXeD\ntags: t",
  "2023-04-08-block-list.md": "categories:\n  - one\n  - Two Words\ntags:\n  - t1",
};

interface JekyllPost {
  path: string;
  url: string;
  categories: string[];
  tags: string[];
}

describe.skipIf(!HAVE_JEKYLL)("categories, tags and URLs agree with Jekyll 4", () => {
  let dir: string;
  let built: Map<string, JekyllPost>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "finews-jekyll-"));
    mkdirSync(join(dir, "_posts"));
    writeFileSync(join(dir, "_config.yml"), "timezone: Asia/Shanghai\nurl: https://finews.withounder.com\n");
    writeFileSync(
      join(dir, "urls.json"),
      "---\nlayout: null\npermalink: /__urls.json\n---\n" +
        '[{% for p in site.posts %}{"path": {{ p.path | jsonify }}, "url": {{ p.url | jsonify }}, ' +
        '"categories": {{ p.categories | jsonify }}, "tags": {{ p.tags | jsonify }}}{% unless forloop.last %},{% endunless %}{% endfor %}]\n',
    );
    for (const f of readdirSync(TEMPLATES).filter((f) => f.endsWith(".md"))) {
      copyFileSync(join(TEMPLATES, f), join(dir, "_posts", f));
    }
    for (const [name, fm] of Object.entries(EDGE)) {
      writeFileSync(
        join(dir, "_posts", name),
        `---\ntitle: "边界"\ndate: ${name.slice(0, 10)} 10:00:00 +0800\n${fm}\n---\n\n正文。\n`,
      );
    }
    const r = spawnSync("jekyll", ["build", "--quiet", "--source", dir, "--destination", join(dir, "_site")], {
      encoding: "utf8",
      env: { ...process.env, JEKYLL_ENV: "production" },
    });
    if (r.status !== 0) throw new Error(`jekyll build failed:\n${r.stderr}`);
    const list = JSON.parse(readFileSync(join(dir, "_site", "__urls.json"), "utf8")) as JekyllPost[];
    built = new Map(list.map((p) => [p.path.replace(/^_posts\//, ""), p]));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("publishes every post we parse", () => {
    expect([...built.keys()].sort()).toEqual([...readdirSync(join(dir, "_posts"))].sort());
  });

  for (const name of [...readdirSync(TEMPLATES).filter((f) => f.endsWith(".md")), ...Object.keys(EDGE)]) {
    it(name, async () => {
      const r = await parsePost(readFileSync(join(dir, "_posts", name)), name, CTX);
      if (!r.ok) throw new Error(r.reason);
      const jekyll = built.get(name) as JekyllPost;
      expect(r.post.categories).toEqual(jekyll.categories);
      expect(r.post.tags).toEqual(jekyll.tags);
      // A date without an offset is SITE_TIMEZONE wall time for us and UTC for Jekyll (the old site's
      // bug): Jekyll's URL then carries the Shanghai date of that wall time read as UTC.
      const text = readFileSync(join(dir, "_posts", name), "utf8");
      const offsetless = /^date: \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?\s*$/m.test(text);
      const expected = offsetless
        ? canonicalPath({
            categories: r.post.categories,
            localDate: localDate(r.post.publishedAt + 8 * 3600_000, CTX.timeZone),
            slug: r.post.slug,
            permalink: r.post.permalink,
          })
        : r.post.path;
      expect(jekyll.url).toBe(expected);
    });
  }
});
