/**
 * "Killing the script at any moment and running it again leaves a complete,
 * duplicate-free database": a seed of generated posts is SIGKILLed (with its
 * workerd) as soon as its first batch has landed, then run again; every row
 * must then match its file, with exactly its term rows.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../scripts/lib/corpus-gen";
import { parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";
import { termsOf } from "../../src/db/statements";
import { runSeed } from "../support/dev-server";
import { ROOT } from "../support/fixtures";

const N = 3000;
const CTX = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };

function countRows(persist: string): number {
  const dir = join(persist, "v3/d1/miniflare-D1DatabaseObject");
  if (!existsSync(dir)) return 0;
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) return 0;
  try {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM posts").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or mid-migration
  }
}

describe("a seed killed mid-run, then run again", () => {
  let root: string;
  let corpus: string;
  let persist: string;
  let killedAt = -1;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "finews-kill-"));
    corpus = join(root, "corpus");
    persist = join(root, "state");
    for (const p of generateCorpus({ count: N, seed: "kill-test" })) {
      mkdirSync(dirname(join(corpus, p.path)), { recursive: true });
      writeFileSync(join(corpus, p.path), p.text);
    }
    const child = spawn(
      join(ROOT, "node_modules/.bin/tsx"),
      [join(ROOT, "scripts/seed.ts"), "--persist-to", persist, "--json", corpus],
      {
        cwd: ROOT,
        detached: true, // its own process group, so workerd dies with it
        stdio: "ignore",
      },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const n = countRows(persist);
      if (n > 0) {
        process.kill(-(child.pid as number), "SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    await exited;
    killedAt = countRows(persist);
  }, 240_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("was killed part-way through (the test is meaningless otherwise)", () => {
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(N);
  });

  it("finishes on the next run: the posts already written are unchanged, the rest inserted", () => {
    const r = runSeed(["--persist-to", persist, "--json", corpus]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.report).toMatchObject({ scanned: N, inserted: N - killedAt, updated: 0, unchanged: killedAt, rejected: [] });
  }, 240_000);

  it("leaves a complete, duplicate-free database: every row equals its file, with exactly its term rows", async () => {
    const expected = new Map<string, PostRecord>();
    for (const month of readdirSync(corpus)) {
      for (const name of readdirSync(join(corpus, month))) {
        const r = await parsePost(readFileSync(join(corpus, month, name)), basename(name), CTX);
        if (!r.ok) throw new Error(`${name}: ${r.reason}`);
        expected.set(r.post.slug, r.post);
      }
    }
    const dir = join(persist, "v3/d1/miniflare-D1DatabaseObject");
    const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") as string;
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      const rows = db.prepare("SELECT id, slug, hash, body_html FROM posts").all() as {
        id: number;
        slug: string;
        hash: string;
        body_html: string;
      }[];
      expect(rows).toHaveLength(N);
      expect(new Set(rows.map((r) => r.slug)).size).toBe(N);
      const links = db.prepare("SELECT post_id, kind, key FROM post_terms").all() as {
        post_id: number;
        kind: string;
        key: string;
      }[];
      const linksOf = new Map<number, string[]>();
      for (const l of links) linksOf.set(l.post_id, [...(linksOf.get(l.post_id) ?? []), `${l.kind}:${l.key}`]);
      for (const row of rows) {
        const post = expected.get(row.slug) as PostRecord;
        expect(row.hash).toBe(post.hash);
        expect(row.body_html).toBe(post.bodyHtml);
        expect((linksOf.get(row.id) ?? []).sort()).toEqual(
          termsOf(post)
            .map((t) => `${t.kind}:${t.key}`)
            .sort(),
        );
      }
      const orphans = db
        .prepare(
          "SELECT count(*) AS n FROM post_terms AS pt WHERE NOT EXISTS (SELECT 1 FROM terms AS t WHERE t.kind = pt.kind AND t.key = pt.key)",
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
  }, 240_000);
});
