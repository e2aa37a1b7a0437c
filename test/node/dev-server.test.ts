import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../scripts/lib/corpus-gen";
import { type DevServer, seedArgv, startDevServer } from "../support/dev-server";
import { EXAMPLES, ROOT } from "../support/fixtures";

describe("npm start's pieces: seed + wrangler dev", () => {
  let server: DevServer;
  const corpus = mkdtempSync(join(tmpdir(), "finews-live-"));
  beforeAll(async () => {
    server = await startDevServer({ seed: [EXAMPLES] });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(corpus, { recursive: true, force: true });
  });

  it("serves the seeded example posts on the home page", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("沪深两市成交额连续五日超万亿元");
    expect(html).toContain("央行开展3000亿元逆回购操作");
  });

  // The emulated edge keeps copies of the home page and feeds; a post seeded from outside must
  // still be on them at the next request (the copy is checked against the change log).
  it("shows a post seeded into the running site on / and in /feed.xml at the next request", async () => {
    for (const path of ["/", "/feed.xml", "/category/emnews.html"]) await (await fetch(`${server.url}${path}`)).text();
    const again = await fetch(`${server.url}/feed.xml`);
    await again.text();
    expect(again.headers.get("x-cache")).toBe("HIT");
    const dir = mkdtempSync(join(tmpdir(), "finews-one-"));
    const title = `刚刚写入的消息 ${Date.now()}`;
    writeFileSync(
      join(dir, "2026-11-30-NW202611300000000001.md"),
      `---\ntitle: "${title}"\ndate: ${new Date(Date.now() - 60_000).toISOString().slice(0, 19)}Z\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n正文。\n`,
    );
    const r = spawnSync(process.execPath, seedArgv(["--persist-to", server.persistDir, dir]), { cwd: ROOT, encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    for (const path of ["/", "/feed.xml", "/category/emnews.html"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(await res.text(), path).toContain(title);
      expect(res.headers.get("x-cache"), path).not.toBe("HIT");
    }
  });

  // The seed writes the SQLite file wrangler dev is reading (scripts/lib/local-d1): both must keep
  // working while the other does, and every post must be served as soon as its batch commits.
  it("keeps serving while a seed writes into the database it reads, and serves each post once written", async () => {
    const codes: string[] = [];
    // In the order the seed walks (and writes) them, so the first codes asked for are the first written.
    const posts = [...generateCorpus({ count: 1500, seed: "live-seed" })].sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const post of posts) {
      const file = join(corpus, post.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, post.text);
      codes.push(/-([A-Z]*\d+)\.md$/.exec(post.path)?.[1] as string);
    }
    const child = spawn(process.execPath, seedArgv(["--persist-to", server.persistDir, "--json", corpus]), { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let running = true;
    void exited.then(() => (running = false));

    const seen: Record<number, number> = {};
    let requests = 0;
    while (running) {
      const code = codes[requests % codes.length] as string;
      const res = await fetch(`${server.url}/html_News/NewsShare.html?infoCode=${code}`, { redirect: "manual" });
      await res.arrayBuffer();
      seen[res.status] = (seen[res.status] ?? 0) + 1;
      requests++;
    }
    expect(await exited, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ inserted: 1500, rejected: [] });
    // Only "not yet" and "found" while the seed ran; never an error.
    expect(Object.keys(seen).sort()).toEqual(expect.arrayContaining(["301"]));
    for (const status of Object.keys(seen)) expect(["301", "404"]).toContain(status);
    expect(requests).toBeGreaterThan(10);

    for (const code of [codes[0], codes[749], codes[1499]]) {
      const res = await fetch(`${server.url}/html_News/NewsShare.html?infoCode=${code}`, { redirect: "manual" });
      expect(res.status).toBe(301);
      const article = await fetch(new URL(new URL(res.headers.get("location") as string).pathname, server.url));
      expect(article.status).toBe(200);
    }
  }, 120_000);
});
