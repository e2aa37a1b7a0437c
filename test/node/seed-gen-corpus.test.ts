/**
 * scripts/gen-corpus.ts: deterministic (same count and seed, same bytes) and
 * realistic (the corpus README's four templates, a Zipf spread over ~2,000
 * categories, the scraper's recoverable defects), and every post it writes
 * is one the parser accepts.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type GeneratedPost, generateCorpus } from "../../scripts/lib/corpus-gen";
import { parsePost } from "../../src/content/post";
import { ROOT } from "../support/fixtures";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function gen(args: string[]) {
  return spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "scripts/gen-corpus.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

function digest(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(dir);
  return h.digest("hex");
}

describe("npm run gen:corpus", () => {
  it("writes the same bytes for the same count and seed, and different ones for another seed", () => {
    const [a, b, c] = [0, 1, 2].map(() => {
      const d = mkdtempSync(join(tmpdir(), "finews-gen-"));
      temps.push(d);
      return d;
    }) as [string, string, string];
    for (const [out, seed] of [
      [a, "one"],
      [b, "one"],
      [c, "two"],
    ]) {
      const r = gen(["--count", "200", "--seed", seed as string, "--out", out as string]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/wrote 200 posts/);
    }
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
  }, 120_000);

  it("exits 2 on a usage error", () => {
    const r = gen(["--count", "x", "--seed", "1", "--out", "/tmp/never"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run gen:corpus -- --count N --seed S --out DIR/);
  }, 60_000);
});

describe("generated posts", () => {
  const posts: GeneratedPost[] = [...generateCorpus({ count: 10_000, seed: "properties" })];
  const fm = (p: GeneratedPost, key: string) => new RegExp(`^${key}: (.*)$`, "m").exec(p.text)?.[1] ?? "";

  it("come in all four templates of the corpus README", () => {
    const counts = new Map<string, number>();
    for (const p of posts) counts.set(p.template, (counts.get(p.template) ?? 0) + 1);
    for (const t of ["rolling", "source", "market", "short"]) expect(counts.get(t) ?? 0).toBeGreaterThan(500);
    const sample = (t: string) => posts.find((p) => p.template === t)?.text ?? "";
    expect(sample("rolling")).toMatch(/\[返回东财滚动新闻\]\((\/\/finews\.withounder\.com\/emnews\/|\.\.\/emnews\/)\)/);
    expect(sample("source")).toMatch(
      /NewsShare\.html\?infoCode=NW\d+>\n\n\[返回.*\]\(\/\/finews\.withounder\.com\/category\/[^)]+\.html\)/,
    );
    expect(sample("market")).toMatch(/\[返回.*\]\(\/\/finews\.withounder\.com\/[^/)]+\/\)｜/);
    expect(sample("short")).toMatch(/choicewzp1\.eastmoney\.com\/html_News\/NewsShare\.html\?infoCode=\d+>$/);
  });

  it("spread over about 2,000 categories, Zipf-like, with case twins, parentheses and double-space multi-category strings", () => {
    const raw = posts.map((p) => fm(p, "categories"));
    const names = raw.flatMap((r) => r.split(/ +/));
    const freq = new Map<string, number>();
    for (const n of names) freq.set(n, (freq.get(n) ?? 0) + 1);
    freq.delete("emnews");
    const sorted = [...freq.values()].sort((x, y) => y - x);
    expect(freq.size).toBeGreaterThan(1200);
    expect(freq.size).toBeLessThanOrEqual(2000);
    expect(sorted[0]).toBeGreaterThan(20 * (sorted[Math.floor(sorted.length / 2)] as number));
    const lower = new Map<string, Set<string>>();
    for (const n of freq.keys()) lower.set(n.toLowerCase(), (lower.get(n.toLowerCase()) ?? new Set()).add(n));
    expect([...lower.values()].some((s) => s.size > 1)).toBe(true);
    expect([...freq.keys()].some((n) => /\(.+\)/.test(n))).toBe(true);
    expect(raw.some((r) => r.includes("  "))).toBe(true);
    expect(raw.filter((r) => r.trim().split(/ +/).length > 1).length).toBeGreaterThan(100);
  });

  it("have bodies from about 150 bytes to 20 KB, eastmoney-style HTML among them, dates over two years", () => {
    const sizes = posts.map((p) => Buffer.byteLength(p.text.slice(p.text.indexOf("\n---\n", 4) + 5)));
    expect(Math.min(...sizes)).toBeLessThan(600);
    expect(Math.min(...sizes)).toBeGreaterThan(100);
    expect(Math.max(...sizes)).toBeGreaterThan(15_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(21_000);
    const html = posts
      .filter((p) => p.template === "source")
      .map((p) => p.text)
      .join("");
    for (const marker of ["<!-- EM_StockImg_Start -->", 'class="em_stock_key_common"', "dfscdn.dfcfw.com", "&w=", "style="]) {
      expect(html).toContain(marker);
    }
    const days = posts.map((p) => Date.parse(fm(p, "date").slice(0, 10)));
    expect((Math.max(...days) - Math.min(...days)) / 86_400_000).toBeGreaterThan(700);
    expect(posts.some((p) => /^title: ".*"[^"\n]*".*"$/m.test(p.text))).toBe(true);
  });

  it("are all accepted by the parser, with only the scraper's recoverable defects as warnings", async () => {
    const kinds = new Set<string>();
    for (const p of posts.slice(0, 2000)) {
      const r = await parsePost(new TextEncoder().encode(p.text), p.path.split("/").pop() as string, {
        timeZone: "Asia/Shanghai",
        siteHost: "finews.withounder.com",
      });
      if (!r.ok) throw new Error(`${p.path}: ${r.reason}`);
      for (const w of r.warnings) kinds.add(w.replace(/[:(].*$/s, ""));
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(["front matter is not valid YAML "]));
    for (const k of kinds)
      expect(k).toMatch(
        /^(front matter is not valid YAML |\d+ blank lines? before|title is empty; used the first sentence of the digest)/,
      );
  }, 120_000);
});
