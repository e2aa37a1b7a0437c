/**
 * @module test/node/jekyll-feed
 * The old site's feeds, rebuilt by Debian's Jekyll + jekyll-feed from the real
 * posts, against ours served by `wrangler dev` over the same posts: same entry
 * ids, links, titles and categories. Jekyll mishandles two files and reads
 * offset-less dates as UTC; those differences are asserted, not ignored.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../support/dev-server";
import { hasFiles, optional, requires, runs } from "../support/requires";
import { type FixturePost, parseDir, REAL_CORPUS } from "../support/fixtures";

const SITE = "https://finews.withounder.com";
const hasJekyll = requires("jekyll-feed", "jekyll", runs("jekyll", ["--version"]), "apt-get install jekyll ruby-jekyll-feed");
const hasCorpus = optional("jekyll-feed", REAL_CORPUS, hasFiles(REAL_CORPUS));

interface AtomEntry {
  id: string;
  link: string;
  title: string;
  published: number;
  categories: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => name === "entry" || name === "category" || name === "link",
  parseTagValue: false,
  trimValues: true,
});

const text = (v: unknown): string =>
  typeof v === "object" && v !== null ? String((v as Record<string, unknown>)["#text"] ?? "") : String(v ?? "");
/** Entry titles are `type="html"`: entity-decode once more, the way a reader shows them. */
const htmlText = (s: string) =>
  s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e] as string);

function entriesOf(xml: string): AtomEntry[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const feed = parser.parse(xml).feed as { entry?: Record<string, unknown>[] };
  return (feed.entry ?? []).map((e) => {
    const links = e.link as Record<string, string>[];
    const alt = links.find((l) => (l["@rel"] ?? "alternate") === "alternate");
    return {
      id: text(e.id),
      link: alt?.["@href"] ?? "",
      title: htmlText(text(e.title)),
      published: Date.parse(text(e.published)),
      categories: ((e.category as Record<string, string>[] | undefined) ?? []).map((c) => c["@term"] as string),
    };
  });
}

const byId = (entries: AtomEntry[]) => new Map(entries.map((e) => [e.id, e]));

describe.skipIf(!hasJekyll || !hasCorpus)("jekyll-feed compatibility on the real posts", () => {
  let work: string;
  let server: DevServer;
  let posts: FixturePost[];
  let categories: string[];

  beforeAll(async () => {
    posts = await parseDir(REAL_CORPUS, "real");
    categories = [...new Set(posts.flatMap((p) => p.categories))].sort();
    work = mkdtempSync(join(tmpdir(), "finews-jekyll-"));
    mkdirSync(join(work, "_posts"));
    cpSync(REAL_CORPUS, join(work, "_posts"), { recursive: true });
    writeFileSync(
      join(work, "_config.yml"),
      [
        `url: ${SITE}`,
        "timezone: Asia/Shanghai",
        "title: 金融消息",
        "lang: zh-CN",
        "author: ZNing",
        "plugins: [jekyll-feed]",
        "feed:",
        "  posts_limit: 1000",
        `  categories: [${categories.map((c) => JSON.stringify(c)).join(", ")}]`,
        "  tags: true",
        "",
      ].join("\n"),
    );
    const build = spawnSync("jekyll", ["build", "--quiet", "-s", work, "-d", join(work, "_site")], {
      encoding: "utf8",
      timeout: 120_000,
    });
    if (build.status !== 0) throw new Error(`jekyll build failed (${build.status}):\n${build.stderr}`);
    server = await startDevServer({ seed: [REAL_CORPUS] });
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const jekyllFeed = (path: string) => entriesOf(readFileSync(join(work, "_site", path), "utf8"));
  async function ourFeed(path: string): Promise<AtomEntry[]> {
    const res = await fetch(`${server.url}${path}?limit=100`);
    expect(res.status, path).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    return entriesOf(await res.text());
  }

  /** The posts Jekyll parses normally: a front matter at the very top and a date in the name. */
  function jekyllNormal(p: FixturePost): boolean {
    const raw = readFileSync(join(REAL_CORPUS, p.file), "utf8");
    return raw.startsWith("---") && /^\d{4}-\d{2}-\d{2}-/.test(p.file);
  }
  const hasOffset = (p: FixturePost) =>
    /^date:\s*\S+\s+\S+\s+[+-]\d{4}\s*$/m.test(readFileSync(join(REAL_CORPUS, p.file), "utf8"));

  function compare(ours: AtomEntry[], theirs: AtomEntry[], expected: FixturePost[]) {
    const mine = byId(ours);
    const jek = byId(theirs);
    expect(ours.length, "one entry per post").toBe(expected.length);
    expect(mine.size, "ids are unique").toBe(ours.length);
    let compared = 0;
    for (const p of expected.filter(jekyllNormal)) {
      const id = `${SITE}${p.path.replace(/\.html$/, "")}`;
      const a = mine.get(id);
      const b = jek.get(id);
      expect(a, `our feed has ${id}`).toBeDefined();
      expect(b, `jekyll-feed has ${id}`).toBeDefined();
      if (!a || !b) continue;
      expect(a.link).toBe(b.link);
      expect(a.title).toBe(b.title);
      expect(a.categories).toEqual(b.categories);
      // Jekyll 4 reads `2021-12-08 10:18:31` as UTC; the scraper meant Beijing time (+08:00).
      expect(b.published - a.published, `published of ${p.file}`).toBe(hasOffset(p) ? 0 : 8 * 3600_000);
      compared++;
    }
    return compared;
  }

  it("/feed.xml carries jekyll-feed's entries for every post Jekyll parsed normally", async () => {
    const ours = await ourFeed("/feed.xml");
    const theirs = jekyllFeed("feed.xml");
    const compared = compare(ours, theirs, posts);
    expect(compared).toBe(posts.filter(jekyllNormal).length);
    expect(compared).toBeGreaterThan(35);

    // Deliberate differences, on the two malformed files:
    // 1. A blank line before the front matter: Jekyll publishes the raw text, without category,
    //    at /2021/12/08/<slug>.html; we read the front matter and file it under its category.
    const blank = posts.filter(
      (p) => !readFileSync(join(REAL_CORPUS, p.file), "utf8").startsWith("---") && /^\d{4}/.test(p.file),
    );
    expect(blank.map((p) => p.file)).toEqual(["2021-12-08-202112082206703990.md"]);
    const jekyllOnly = theirs.filter((e) => !byId(ours).has(e.id));
    expect(jekyllOnly.map((e) => e.id)).toEqual([`${SITE}/2021/12/08/202112082206703990`]);
    expect(jekyllOnly[0]?.categories).toEqual([]);
    // 2. No date in the filename and `date:  +0800`, `title: ""`: Jekyll skips the file; we date it from
    //    its infoCode and title it from its digest.
    const oursOnly = ours
      .filter((e) => !byId(theirs).has(e.id))
      .map((e) => e.id)
      .sort();
    expect(oursOnly).toEqual([`${SITE}/emnews/2021/12/08/202112082206703990`, `${SITE}/emnews/2022/05/26/202205262391921712`]);
  });

  it("/feed/{category}.xml matches jekyll-feed's category feeds", async () => {
    expect(categories.length).toBeGreaterThan(1);
    let compared = 0;
    for (const cat of categories) {
      const ours = await ourFeed(`/feed/${encodeURIComponent(cat)}.xml`);
      const theirs = jekyllFeed(`feed/${cat}.xml`);
      // jekyll-feed filters with `where: "categories"`, which is case-sensitive; the corpus spells each once.
      compared += compare(
        ours,
        theirs,
        posts.filter((p) => p.categories.some((c) => c.toLowerCase() === cat.toLowerCase())),
      );
      // Jekyll misses only the blank-line post (it has no category there).
      expect(theirs.length - ours.filter((e) => byId(theirs).has(e.id)).length).toBe(0);
    }
    expect(compared).toBe(posts.filter(jekyllNormal).length);
  });

  it("names the feed's self link and id after the URL it was fetched from, like jekyll-feed", async () => {
    const cat = categories[0] as string;
    const res = await fetch(`${server.url}/feed/${encodeURIComponent(cat)}.xml`);
    const feed = parser.parse(await res.text()).feed as { id: string; link: Record<string, string>[] };
    const jek = parser.parse(readFileSync(join(work, "_site", `feed/${cat}.xml`), "utf8")).feed as {
      id: string;
      link: Record<string, string>[];
    };
    expect(text(feed.id)).toBe(text(jek.id));
    const self = (links: Record<string, string>[]) => links.find((l) => l["@rel"] === "self")?.["@href"];
    expect(self(feed.link)).toBe(self(jek.link));
  });
});
