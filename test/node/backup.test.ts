/**
 * @module test/node/backup
 * Backing up and restoring a database that holds the search index, exactly
 * as the README says: `npm run backup` (wrangler's `d1 export`, table by
 * table), then into an empty database: `wrangler d1 migrations apply`,
 * `wrangler d1 execute --file`, `npm run seed -- --reindex`. The restored
 * database has the same posts, lists and routing rows, and answers every
 * search as the original did.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { parseQuery } from "../../src/content/search-text";
import { BACKUP_TABLES, REBUILT_TABLES } from "../../src/db/schema";
import { runSeed } from "../support/dev-server";
import { EXAMPLES, ROOT } from "../support/fixtures";
import { openLocalD1File, tempFolders } from "../support/temp";

const temp = tempFolders();
const ENV = { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true" };
const wrangler = (cwd: string, args: string[]) =>
  spawnSync(join(ROOT, "node_modules/.bin/wrangler"), args, { cwd, encoding: "utf8", env: ENV });

/** A project folder of its own (wrangler keeps local state beside its config). */
function project(name: string): { dir: string; config: string; state: string } {
  const dir = temp(name);
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    readFileSync(join(ROOT, "wrangler.toml"), "utf8").replaceAll(
      'migrations_dir = "migrations"',
      `migrations_dir = ${JSON.stringify(join(ROOT, "migrations"))}`,
    ),
  );
  return { dir, config, state: join(dir, ".wrangler", "state") };
}

const post = (title: string, body: string, extra = "") =>
  `---\ntitle: ${title}\ndate: 2026-11-28 09:00:00 +0800\ncategories: backupcat\ntags: [备份测试]\n${extra}---\n\n${body}\n`;

const all = (db: DatabaseSync, sql: string, ...params: string[]) => db.prepare(sql).all(...params);

describe("backup and restore", () => {
  it("names every table of a migrated database as backed up or rebuilt", () => {
    const p = project("tables");
    const seeded = runSeed(["--config", p.config, "--json", EXAMPLES]);
    expect(seeded.status, seeded.stderr).toBe(0);
    const db = openLocalD1File(p.state);
    const tables = all(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => (r as { name: string }).name);
    db.close();
    const known = new Set<string>([...BACKUP_TABLES, ...REBUILT_TABLES, "sqlite_sequence", "_cf_KV", "_cf_METADATA"]);
    expect(tables.filter((t) => !known.has(t) && !t.startsWith("post_search_"))).toEqual([]);
  });

  it("round-trips posts, lists and the index through npm run backup and the README's restore", () => {
    const posts = temp("posts");
    writeFileSync(join(posts, "2026-11-28-BK1.md"), post("央行宣布降息", "降息周期开启，A股与港股同涨。HFO-1234yf 出口增长。"));
    writeFileSync(join(posts, "2026-11-28-BK2.md"), post("兴业银行 601166 公告", "兴业银行披露年度业绩预告。"));
    writeFileSync(join(posts, "2026-11-28-BK3.md"), post("隐藏的降息消息", "不应被找到。", "published: false\n"));
    const a = project("original");
    const seeded = runSeed(["--config", a.config, "--json", EXAMPLES, posts]);
    expect(seeded.status, seeded.stderr).toBe(0);

    // The whole database cannot be exported: wrangler refuses the index's virtual table (why backups go table by table).
    const whole = wrangler(a.dir, ["d1", "export", "DB", "--local", "--output", join(a.dir, "whole.sql")]);
    expect(whole.status).not.toBe(0);
    expect(`${whole.stdout}${whole.stderr}`).toMatch(/Virtual Tables|fts5/i);

    const out = temp("backup");
    const backup = spawnSync("npm", ["run", "--silent", "backup", "--", "--config", a.config, "--output", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: ENV,
    });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/backup: DB: posts, post_terms, terms, archive_routes → .*DB\.sql/);
    const sql = readFileSync(join(out, "DB.sql"), "utf8");
    expect(sql).toContain('INSERT INTO "posts"');
    expect(sql).not.toMatch(/post_search|CREATE TABLE/);

    const b = project("restored");
    for (const args of [
      ["d1", "migrations", "apply", "DB", "--local"],
      ["d1", "execute", "DB", "--local", "--file", join(out, "DB.sql")],
    ]) {
      const r = wrangler(b.dir, args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const reindex = runSeed(["--config", b.config, "--reindex"]);
    expect(reindex.status, reindex.stderr).toBe(0);
    expect(reindex.stderr).toMatch(/rebuilt the search index: 13 posts in/);

    const before = openLocalD1File(a.state);
    const after = openLocalD1File(b.state);
    try {
      const rowsOf = (db: DatabaseSync, t: string) =>
        all(db, `SELECT * FROM ${t}`)
          .map((r) => JSON.stringify(r))
          .sort();
      for (const t of BACKUP_TABLES) expect(rowsOf(after, t), t).toEqual(rowsOf(before, t));
      expect(all(before, "SELECT count(*) AS n FROM posts")).toEqual([{ n: 14 }]);
      for (const q of ["降息", "A股", "601166", "hfo-1234yf", "兴业银行", "业绩预告", "备份", "不应"]) {
        const parsed = parseQuery(q);
        if (!parsed.ok) throw new Error(parsed.reason);
        const match = `body : (${parsed.match})`;
        const ask = "SELECT CAST(rowid AS TEXT) AS k FROM post_search WHERE post_search MATCH ? ORDER BY rowid DESC";
        expect(all(after, ask, match), q).toEqual(all(before, ask, match));
      }
      const ask = "SELECT count(*) AS n FROM post_search WHERE post_search MATCH ?";
      expect(all(after, ask, 'body : ("降息")')).toEqual([{ n: 1 }]);
      expect(all(after, ask, 'body : ("不应")')).toEqual([{ n: 0 }]);
    } finally {
      before.close();
      after.close();
    }
  }, 180_000);
});
