/**
 * @module test/node/readers
 * Real feed readers against `wrangler dev` over the real seed script's
 * output: xmllint (strict XML), python3-feedparser (`bozo == 0`, every entry)
 * and newsboat (reloads the RSS and Atom URLs and stores every item in its
 * sqlite cache). The seeded posts include the hostile feed fixtures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../support/dev-server";
import { jsonFeed11Problems } from "../support/feed-checks";
import { EXAMPLES, FIXTURES, type FixturePost, parseDir, REAL_CORPUS } from "../support/fixtures";
import { requires, runs } from "../support/requires";

const PYTHON = "/usr/bin/python3";
const tools = {
  xmllint: requires("readers", "xmllint", runs("xmllint", ["--version"]), "apt-get install libxml2-utils"),
  feedparser: requires(
    "readers",
    "python3-feedparser",
    runs(PYTHON, ["-c", "import feedparser"]),
    "apt-get install python3-feedparser",
  ),
  newsboat: requires("readers", "newsboat", runs("newsboat", ["--version"]), "apt-get install newsboat"),
};

const HOSTILE = ["2024-03-01-feed-hostile.md", "2024-03-02-feed-multi.md"].map((f) => join(FIXTURES, f));
const LIMIT = 100;

interface Scope {
  /** Feed paths, without the query. */
  atom: string[];
  rss: string;
  json: string;
  posts: (all: FixturePost[]) => FixturePost[];
}

const visible = (p: FixturePost) => p.published && p.publishedAt <= Date.now();
const inCategory = (name: string) => (p: FixturePost) => p.categories.some((c) => c.toLowerCase() === name.toLowerCase());
const withTag = (name: string) => (p: FixturePost) => p.tags.some((t) => t.toLowerCase() === name.toLowerCase());
const enc = encodeURIComponent;

const SCOPES: Record<string, Scope> = {
  site: { atom: ["/feed.xml"], rss: "/rss.xml", json: "/feed.json", posts: (all) => all },
  emnews: {
    atom: ["/feed/emnews.xml", "/category/EmNews/atom.xml"],
    rss: "/category/emnews/rss.xml",
    json: "/category/emnews/feed.json",
    posts: (all) => all.filter(inCategory("emnews")),
  },
  hostileCategory: {
    atom: ["/feed/FeedTest.xml", "/category/feedtest/atom.xml"],
    rss: "/category/FeedTest/rss.xml",
    json: "/category/FeedTest/feed.json",
    posts: (all) => all.filter(inCategory("feedtest")),
  },
  rawCategories: {
    atom: [`/feed/${enc("FeedTest  FeedExtra(x)")}.xml`],
    rss: `/category/${enc("feedtest  feedextra(x)")}/rss.xml`,
    json: `/category/${enc("FeedTest  FeedExtra(x)")}/feed.json`,
    posts: (all) => all.filter((p) => p.categoriesRaw.toLowerCase() === "feedtest  feedextra(x)"),
  },
  hostileTag: {
    atom: [`/feed/by_tag/${enc("Feed&Tag<x>]]>")}.xml`, `/tag/${enc("feed&tag<x>]]>")}/atom.xml`],
    rss: `/tag/${enc("Feed&Tag<x>]]>")}/rss.xml`,
    json: `/tag/${enc("Feed&Tag<x>]]>")}/feed.json`,
    posts: (all) => all.filter(withTag("Feed&Tag<x>]]>")),
  },
  chineseTag: {
    atom: [`/feed/by_tag/${enc("东财滚动新闻")}.xml`],
    rss: `/tag/${enc("东财滚动新闻")}/rss.xml`,
    json: `/tag/${enc("东财滚动新闻")}/feed.json`,
    posts: (all) => all.filter(withTag("东财滚动新闻")),
  },
};

const FEEDPARSER = `
import json, sys, feedparser
out = []
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out.append({"url": url, "bozo": int(bool(d.bozo)), "error": str(d.get("bozo_exception", "")), "version": d.version,
                "status": d.get("status"), "title": d.feed.get("title"),
                "entries": [{"id": e.get("id"), "link": e.get("link"), "title": e.get("title")} for e in d.entries]})
json.dump(out, sys.stdout)
`;

describe("feed readers accept every feed", () => {
  let server: DevServer;
  let all: FixturePost[];
  const expected = new Map<string, number>();

  beforeAll(async () => {
    all = [
      ...(await parseDir(REAL_CORPUS, "real")),
      ...(await parseDir(EXAMPLES, "examples")),
      ...(await parseDir(FIXTURES, "fixtures")).filter((p) => HOSTILE.some((h) => h.endsWith(p.file))),
    ].filter(visible);
    // The real corpus lives beside the clone (../shared); without it the project's own posts still cover every scope.
    server = await startDevServer({ seed: [REAL_CORPUS, EXAMPLES, ...HOSTILE].filter((d) => existsSync(d)) });
    for (const scope of Object.values(SCOPES)) {
      const n = Math.min(LIMIT, scope.posts(all).length);
      for (const p of [...scope.atom, scope.rss, scope.json]) expected.set(p, n);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  const url = (path: string) => `${server.url}${path}?limit=${LIMIT}`;
  const xmlPaths = () => Object.values(SCOPES).flatMap((s) => [...s.atom, s.rss]);

  it("the fixtures give every scope something to show, and the hostile ones are there", () => {
    for (const [name, scope] of Object.entries(SCOPES)) expect(scope.posts(all).length, name).toBeGreaterThan(0);
    expect(all.some((p) => p.title.includes("]]>") && p.title.includes("&") && p.title.includes("<"))).toBe(true);
  });

  it.skipIf(!tools.xmllint)("xmllint parses every XML feed strictly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "finews-xmllint-"));
    try {
      const files: string[] = [];
      for (const [i, path] of xmlPaths().entries()) {
        const res = await fetch(url(path));
        expect(res.status, path).toBe(200);
        const file = join(dir, `${i}.xml`);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        files.push(file);
      }
      const r = spawnSync("xmllint", ["--noout", "--nonet", ...files], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!tools.feedparser)("feedparser reads every Atom and RSS feed with bozo == 0 and every entry", () => {
    const paths = xmlPaths();
    const r = spawnSync(PYTHON, ["-c", FEEDPARSER, ...paths.map(url)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as {
      url: string;
      bozo: number;
      error: string;
      version: string;
      status: number;
      entries: { id: string; link: string; title: string }[];
    }[];
    expect(results).toHaveLength(paths.length);
    results.forEach((res, i) => {
      const path = paths[i] as string;
      expect({ path, status: res.status, bozo: res.bozo, error: res.error }).toEqual({ path, status: 200, bozo: 0, error: "" });
      expect(res.version, path).toMatch(path.includes("rss") ? /^rss20$/ : /^atom10$/);
      expect(res.entries, path).toHaveLength(expected.get(path) as number);
      for (const e of res.entries) {
        expect(e.link, path).toMatch(/^https:\/\/finews\.withounder\.com\//);
        expect(e.id, path).toMatch(/^https:\/\/finews\.withounder\.com\//);
        expect(e.title, path).toBeTruthy();
      }
    });
    // The hostile title arrives as text, its markup removed (jekyll-feed's strip_html): the same in RSS,
    // and in Atom's type="html" title once unescaped. `]]>` and `&` survive as characters.
    const title = "Feed test ]]> one ]]> two & bold end";
    const unescapeHtml = (t: string) =>
      t
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    const titles = (p: string) => results[paths.indexOf(p)]?.entries.map((e) => e.title) ?? [];
    expect(titles("/category/FeedTest/rss.xml")).toContain(title);
    expect(titles("/feed/FeedTest.xml").map(unescapeHtml)).toContain(title);
  });

  it("every JSON feed is JSON Feed 1.1 with every entry", async () => {
    for (const scope of Object.values(SCOPES)) {
      const res = await fetch(url(scope.json));
      expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
      const doc = (await res.json()) as { items: unknown[] };
      expect(jsonFeed11Problems(doc), scope.json).toEqual([]);
      expect(doc.items, scope.json).toHaveLength(expected.get(scope.json) as number);
    }
  });

  it.skipIf(!tools.newsboat)("newsboat reloads each RSS and Atom feed and stores every item", () => {
    // newsboat keys items by guid across feeds, so each feed gets its own cache to be counted alone.
    const dir = mkdtempSync(join(tmpdir(), "finews-newsboat-"));
    try {
      writeFileSync(join(dir, "config"), "reload-threads 1\nmax-items 0\ndownload-retries 2\n");
      for (const [i, path] of xmlPaths().entries()) {
        const urls = join(dir, `urls-${i}`);
        const cache = join(dir, `cache-${i}.db`);
        writeFileSync(urls, `${url(path)}\n`);
        const r = spawnSync("newsboat", ["-u", urls, "-c", cache, "-C", join(dir, "config"), "-x", "reload"], {
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, ".config"), XDG_DATA_HOME: join(dir, ".local") },
        });
        expect(r.status, `${path}: ${r.stdout}\n${r.stderr}`).toBe(0);
        const db = new DatabaseSync(cache, { readOnly: true });
        try {
          const items = db.prepare("SELECT feedurl, guid, title, url FROM rss_item").all() as Record<string, string>[];
          expect({ path, items: items.length }).toEqual({ path, items: expected.get(path) });
          for (const item of items) {
            expect(item.feedurl).toBe(url(path));
            expect(item.url, path).toMatch(/^https:\/\/finews\.withounder\.com\//);
            expect(item.title, path).toBeTruthy();
          }
          const feeds = db.prepare("SELECT rssurl, title FROM rss_feed").all() as { rssurl: string; title: string }[];
          expect(feeds.map((f) => f.rssurl)).toEqual([url(path)]);
          expect(feeds[0]?.title, path).toBeTruthy();
        } finally {
          db.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!tools.newsboat)("newsboat imports the OPML of every source, and reloads the feeds it lists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "finews-opml-"));
    try {
      const opml = await (await fetch(`${server.url}/feeds.opml`)).text();
      // The OPML names the site's public URLs; here they are served by this wrangler dev.
      writeFileSync(join(dir, "feeds.opml"), opml.replaceAll("https://finews.withounder.com", server.url));
      const urls = join(dir, "urls");
      writeFileSync(urls, "");
      const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, ".config"), XDG_DATA_HOME: join(dir, ".local") };
      const imported = spawnSync("newsboat", ["-i", join(dir, "feeds.opml"), "-u", urls, "-c", join(dir, "cache.db")], {
        encoding: "utf8",
        timeout: 60_000,
        env,
      });
      expect(imported.status, `${imported.stdout}\n${imported.stderr}`).toBe(0);
      const listed = readFileSync(urls, "utf8")
        .split("\n")
        .map((l) => l.split(/\s/)[0])
        .filter(Boolean);
      const categories = new Set(all.flatMap((p) => p.categories.map((c) => c.toLowerCase())));
      // The site feed, then one feed per visible category.
      expect(listed[0]).toBe(`${server.url}/rss.xml`);
      expect(listed.length).toBe(1 + categories.size);
      writeFileSync(join(dir, "config"), "reload-threads 2\nmax-items 0\n");
      const reloaded = spawnSync(
        "newsboat",
        ["-u", urls, "-c", join(dir, "cache.db"), "-C", join(dir, "config"), "-x", "reload"],
        {
          encoding: "utf8",
          timeout: 120_000,
          env,
        },
      );
      expect(reloaded.status, `${reloaded.stdout}\n${reloaded.stderr}`).toBe(0);
      const db = new DatabaseSync(join(dir, "cache.db"), { readOnly: true });
      try {
        const feeds = db.prepare("SELECT count(*) AS n FROM rss_feed WHERE title <> ''").get() as { n: number };
        expect(feeds.n).toBe(listed.length);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
