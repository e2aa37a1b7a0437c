/**
 * The URL contract against the old site's own engine: Debian's Jekyll builds
 * the real corpus, the examples and the fixtures in a temp dir (with the old
 * site's settings), and every post page it generates must answer on a real
 * `wrangler dev` over the real seed script's D1 with 200, or a 301 chain
 * ending in 200 on the same post, showing the post's title.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";
import { type DevServer, startDevServer } from "../support/dev-server";
import { EXAMPLES, FIXTURES, PARSE_CONTEXT, REAL_CORPUS } from "../support/fixtures";
import { hasFiles, optional, requires, runs } from "../support/requires";

const SITE_URL = "https://finews.withounder.com";
const HAVE_JEKYLL = requires("jekyll-urls", "jekyll", runs("jekyll", ["--version"]), "apt-get install jekyll ruby-jekyll-feed");
optional("jekyll-urls (the real posts' URLs)", REAL_CORPUS, hasFiles(REAL_CORPUS));

const SOURCES = [REAL_CORPUS, FIXTURES, EXAMPLES].filter((d) => existsSync(d));

interface JekyllPost {
  /** Jekyll's `post.url`: already escaped the way the old site linked it */
  url: string;
  /** `_posts/<file>` */
  path: string;
  file: string;
  source: string;
}

const CONFIG = `timezone: Asia/Shanghai
url: ${SITE_URL}
lang: zh-CN
title: 金融消息
author: ZNing
`;

// Jekyll's own list of the posts it published, next to the pages it wrote.
const URLS_PAGE = `---
layout: null
permalink: /__urls.json
---
[{% for p in site.posts %}{"url": {{ p.url | jsonify }}, "path": {{ p.path | jsonify }}}{% unless forloop.last %},{% endunless %}{% endfor %}]
`;

/** Undoes the escaping hono/jsx applies to text and attributes. */
function decode(s: string): string {
  return s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string,
  );
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

describe.skipIf(!HAVE_JEKYLL)("every URL Jekyll 4.3 generates answers on the new site", () => {
  let work: string;
  let server: DevServer;
  let posts: JekyllPost[] = [];
  const parsed = new Map<string, PostRecord>();
  const rejected = new Map<string, string>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "jekyll-urls-"));
    mkdirSync(join(work, "_posts"));
    const sourceOf = new Map<string, string>();
    for (const dir of SOURCES) {
      for (const name of readdirSync(dir)) {
        if (!/\.(md|markdown)$/.test(name)) continue;
        if (sourceOf.has(name)) throw new Error(`${name} is in both ${sourceOf.get(name)} and ${dir}`);
        sourceOf.set(name, dir);
        copyFileSync(join(dir, name), join(work, "_posts", name));
        const r = await parsePost(readFileSync(join(dir, name)), name, PARSE_CONTEXT);
        if (r.ok) parsed.set(name, r.post);
        else rejected.set(name, r.reason);
      }
    }
    writeFileSync(join(work, "_config.yml"), CONFIG);
    writeFileSync(join(work, "urls.json"), URLS_PAGE);
    const build = spawnSync("jekyll", ["build", "--quiet"], { cwd: work, encoding: "utf8", timeout: 180_000 });
    if (build.status !== 0) throw new Error(`jekyll build failed (${build.status}):\n${build.stderr}\n${build.stdout}`);
    posts = (JSON.parse(readFileSync(join(work, "_site", "__urls.json"), "utf8")) as { url: string; path: string }[]).map((p) => {
      const file = p.path.replace(/^_posts\//, "");
      return { ...p, file, source: sourceOf.get(file) ?? "?" };
    });
    server = await startDevServer({ seed: SOURCES });
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("Jekyll published the posts it was given, one page each", () => {
    // 40 of the corpus' 43 files are published by Jekyll; the examples and fixtures add the rest.
    expect(posts.length).toBeGreaterThanOrEqual(existsSync(REAL_CORPUS) ? 55 : 15);
    const pages = listFiles(join(work, "_site"))
      .map((f) => `/${relative(join(work, "_site"), f).split(sep).join("/")}`)
      .filter((f) => f.endsWith(".html"));
    expect(new Set(pages)).toEqual(new Set(posts.map((p) => decodeURIComponent(p.url))));
  });

  it("reproduces the manglings the new site must absorb", () => {
    const byFile = (f: string) => posts.find((p) => p.file === f)?.url;
    const real = (f: string) => (existsSync(join(REAL_CORPUS, f)) ? byFile(f) : "skip");
    // blank line before the front matter: published without categories
    expect(real("2021-12-08-202112082206703990.md")).toMatch(/^(\/2021\/12\/08\/202112082206703990\.html|skip)$/);
    // offset-less time after 16:00 Beijing: Jekyll reads UTC and files it under the next day
    expect(byFile("2022-06-16-route-utc-midnight.md")).toBe("/routenight/2022/06/17/route-utc-midnight.html");
    // invalid YAML (unescaped quotes): no front matter, today's date, the whole basename as slug
    expect(byFile("2026-11-25-202611253301000011.md")).toMatch(/^\/\d{4}\/\d{2}\/\d{2}\/2026-11-25-202611253301000011\.html$/);
    // never published by Jekyll
    expect(byFile("2022-06-20-route-hidden.md")).toBeUndefined();
    expect(byFile("2099-01-01-route-future.md")).toBeUndefined();
  });

  it("every generated URL answers 200, or 301s to 200, on the same post with its title", async () => {
    const failures: string[] = [];
    let redirected = 0;
    for (const jp of posts) {
      const post = parsed.get(jp.file);
      if (!post) {
        failures.push(`${jp.url} (${jp.file}): Jekyll published it, the parser rejected it: ${rejected.get(jp.file)}`);
        continue;
      }
      let path = jp.url;
      const hops: string[] = [];
      let res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      while (res.status === 301 && hops.length < 5) {
        const loc = res.headers.get("Location") ?? "";
        const target = new URL(loc, SITE_URL);
        // wrangler dev maps its upstream (SITE_URL's host, as deployed) back to its own origin in headers.
        if (target.origin !== SITE_URL && target.origin !== new URL(server.url).origin) {
          failures.push(`${jp.url}: redirect leaves SITE_URL: ${loc}`);
          break;
        }
        path = `${target.pathname}${target.search}`;
        hops.push(path);
        res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      }
      if (hops.length) redirected++;
      const html = await res.text();
      const title = decode(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? "");
      const canonical = decode(/<link rel="canonical" href="([^"]*)"/.exec(html)?.[1] ?? "");
      if (res.status !== 200) failures.push(`${jp.url}: ${res.status} after ${hops.join(" → ") || "no redirect"}`);
      else if (path !== post.path) failures.push(`${jp.url}: ended at ${path}, canonical is ${post.path}`);
      else if (title !== post.title) failures.push(`${jp.url}: shows "${title}", expected "${post.title}"`);
      else if (canonical !== `${SITE_URL}${post.path}`) failures.push(`${jp.url}: canonical link is ${canonical}`);
      if (hops.length > 1) failures.push(`${jp.url}: ${hops.length} hops (${hops.join(" → ")}), one is enough`);
    }
    expect(failures).toEqual([]);
    // The corpus has the blank-line and invalid-YAML files, the fixtures the UTC shift.
    expect(redirected).toBeGreaterThanOrEqual(2);
  });
});
