/**
 * The write path below the CLI: statement limits, the two executors' contract
 * (the local one, and d1Executor — the remote executor's code — over a local
 * getPlatformProxy binding, since there is no Cloudflare account here),
 * migrations, upsert-by-hash, failure isolation and term bookkeeping.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config";
import { parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";
import { pruneChanges } from "../../src/db/changes";
import { ensureMigrations, PendingMigrationsError } from "../../src/db/migrations";
import { MAX_JSON_PARAM_BYTES, MAX_PARAMS, MAX_SQL_BYTES, type Statement, writePosts } from "../../src/db/statements";
import { type Executor, planPosts, prune, syncPosts } from "../../src/db/sync";
import {
  loadProjectConfig,
  localDatabaseFile,
  type OpenDatabase,
  openProxyDatabase,
  type ProjectConfig,
  readMigrationFiles,
  remoteWranglerConfig,
} from "../../scripts/lib/database";
import { openLocalD1 } from "../../scripts/lib/local-d1";
import { ROOT } from "../support/fixtures";

const CTX = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };
const CONFIG = join(ROOT, "wrangler.toml");
const MIGRATIONS = readMigrationFiles(join(ROOT, "migrations"));
const NAMES = MIGRATIONS.map((m) => m.name);

async function makePost(slug: string, fm: Record<string, string> = {}, body = "正文。"): Promise<PostRecord> {
  const front = { title: `"标题 ${slug}"`, date: "2022-06-15 11:34:30 +0800", categories: "emnews", tags: "东财滚动新闻", ...fm };
  const text = `---\n${Object.entries(front)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n---\n\n${body}\n`;
  const r = await parsePost(new TextEncoder().encode(text), `2022-06-15-${slug}.md`, CTX);
  if (!r.ok) throw new Error(r.reason);
  return r.post;
}

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe("statements", () => {
  it("stay within D1's limits: ≤ 100 bound parameters and ≤ 100 KB of SQL, JSON row sets under the string limit", async () => {
    const posts = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        makePost(`p${i}`, { categories: Array.from({ length: 30 }, (_, k) => `c${i}x${k}`).join(" ") }, "字".repeat(3000)),
      ),
    );
    const huge = await makePost("huge", {}, "字".repeat(400_000)); // its row JSON is over MAX_JSON_PARAM_BYTES
    const stmts = writePosts([...posts, huge], 1);
    for (const s of stmts) {
      expect(s.params.length).toBeLessThanOrEqual(MAX_PARAMS);
      expect(utf8(s.sql)).toBeLessThanOrEqual(MAX_SQL_BYTES);
      for (const p of s.params) if (typeof p === "string") expect(utf8(p)).toBeLessThanOrEqual(2_000_000);
    }
    const json = stmts.filter((s) => s.sql.includes("json_each"));
    for (const s of json) expect(utf8(s.params[0] as string)).toBeLessThanOrEqual(MAX_JSON_PARAM_BYTES);
    // several posts share one statement, and the oversized one goes as a plain row, one parameter a column
    expect(stmts.filter((s) => s.sql.startsWith("INSERT INTO posts") && s.sql.includes("json_each")).length).toBeLessThan(20);
    expect(stmts.filter((s) => s.sql.startsWith("INSERT INTO posts") && !s.sql.includes("json_each"))).toHaveLength(1);
  });

  it("write no term rows and no search entry for an unpublished post, only the row and the removal of old ones", async () => {
    const stmts = writePosts([await makePost("hidden", { published: "false" })], 1);
    const content = stmts.filter((s) => !s.sql.includes("cache_changes"));
    expect(content.map((s) => s.sql.split(" ").slice(0, 4).join(" "))).toEqual([
      "DELETE FROM post_search WHERE",
      "INSERT INTO posts (slug,",
      // Its search key dropped, and none given (the second statement keys published posts only).
      "UPDATE posts SET search_key",
      "UPDATE posts SET search_key",
      "DELETE FROM post_terms WHERE",
    ]);
    expect(content.some((s) => s.sql.startsWith("INSERT INTO post_search"))).toBe(false);
    // The change log records the lists it leaves (first statement) and the site's lists (last), and no list it joins.
    const log = stmts.filter((s) => s.sql.includes("cache_changes"));
    expect(stmts[0]).toBe(log[0]);
    expect(stmts.at(-1)?.sql).toMatch(/^UPDATE cache_changes SET at = /);
    expect(log.map((s) => s.params)).toEqual([[JSON.stringify(["hidden"])], [JSON.stringify(["site"])], []]);
  });
});

/** Both executors must behave identically: the local one and the remote one's code over a local binding. */
const EXECUTORS: [string, (dir: string) => Promise<OpenDatabase>][] = [
  [
    "local executor (scripts/lib/local-d1)",
    async (dir) => openLocalD1(localDatabaseFile(await loadProjectConfig(CONFIG), join(dir, "state"))),
  ],
  [
    "remote executor's d1Executor over a local getPlatformProxy binding",
    (dir) => openProxyDatabase(CONFIG, { remote: false, persistRoot: join(dir, "state", "v3") }),
  ],
];

describe.each(EXECUTORS)("%s", (_name, open) => {
  let dir: string;
  let database: OpenDatabase;
  let db: Executor;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "finews-exec-"));
    database = await open(dir);
    db = database.db;
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to write a remote-style target with pending migrations, naming the command", async () => {
    const err = await ensureMigrations(db, MIGRATIONS, "require").catch((e) => e);
    expect(err).toBeInstanceOf(PendingMigrationsError);
    expect(err.message).toContain("npx wrangler d1 migrations apply DB --remote");
    expect(await ensureMigrations(db, MIGRATIONS, "inspect")).toEqual({ applied: [], pending: NAMES });
  });

  it("applies pending migrations once, recording them where wrangler does", async () => {
    expect(await ensureMigrations(db, MIGRATIONS, "apply")).toEqual({ applied: NAMES, pending: [] });
    expect(await ensureMigrations(db, MIGRATIONS, "apply")).toEqual({ applied: [], pending: [] });
    expect(await db.all({ sql: "SELECT name FROM d1_migrations ORDER BY id", params: [] })).toEqual(
      NAMES.map((name) => ({ name })),
    );
  });

  it("binds parameters as values, never as SQL", async () => {
    const long = `${'"\\n\n😀 ?1 '.repeat(200)}end`;
    const tricky = ["'); DROP TABLE posts; --", '"引号" ? ?1 $x', "😀\u2028\t\n", "", long, `${long}\n${long}`];
    await db.batch([{ sql: "CREATE TABLE t (a TEXT, b INTEGER, c TEXT)", params: [] }]);
    await db.batch(
      tricky.map((a, i) => ({ sql: "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)", params: [a, 1_700_000_000_000 + i, null] })),
    );
    const rows = await db.all<{ a: string; b: number; c: null }>({ sql: "SELECT a, b, c FROM t ORDER BY b", params: [] });
    expect(rows).toEqual(tricky.map((a, i) => ({ a, b: 1_700_000_000_000 + i, c: null })));
    expect(await db.all({ sql: "SELECT count(*) AS n FROM posts", params: [] })).toEqual([{ n: 0 }]);
  });

  it("runs a batch as one transaction: a failing statement leaves nothing of the batch behind", async () => {
    const batch: Statement[] = [
      { sql: "INSERT INTO t (a, b) VALUES (?1, ?2)", params: ["first", 1] },
      { sql: "INSERT INTO no_such_table (a) VALUES (?1)", params: ["x"] },
    ];
    await expect(db.batch(batch)).rejects.toThrow(/no_such_table/);
    expect(await db.all({ sql: "SELECT count(*) AS n FROM t WHERE a = 'first'", params: [] })).toEqual([{ n: 0 }]);
  });

  it("upserts by slug and hash: inserted, then unchanged (nothing written), then updated", async () => {
    const a = await makePost("202206150000000001");
    const b = await makePost("202206150000000002");
    expect([...(await syncPosts(db, [a, b], 1000)).values()]).toEqual(["inserted", "inserted"]);
    expect([...(await syncPosts(db, [a, b], 2000)).values()]).toEqual(["unchanged", "unchanged"]);
    const a2 = await makePost("202206150000000001", {}, "改过的正文。");
    expect(Object.fromEntries(await planPosts(db, [a2, b]))).toEqual({ [a.slug]: "updated", [b.slug]: "unchanged" });
    expect([...(await syncPosts(db, [a2, b], 3000)).values()]).toEqual(["updated", "unchanged"]);
    const rows = await db.all<{ slug: string; created_at: number; updated_at: number; body_html: string }>({
      sql: "SELECT slug, created_at, updated_at, body_html FROM posts ORDER BY slug",
      params: [],
    });
    expect(rows).toEqual([
      { slug: a.slug, created_at: 1000, updated_at: 3000, body_html: "<p>改过的正文。</p>" },
      { slug: b.slug, created_at: 1000, updated_at: 1000, body_html: "<p>正文。</p>" },
    ]);
  });

  it("stores every field of a post as parsed", async () => {
    const p = await makePost("NW202206150000000003", {
      categories: "TechWeb  anxin(xianggang)",
      tags: "[河北新闻网新闻, 第二]",
      permalink: "/x/:title/",
    });
    await syncPosts(db, [p], 5000);
    const [row] = await db.all<Record<string, unknown>>({ sql: "SELECT * FROM posts WHERE slug = ?1", params: [p.slug] });
    expect(row).toMatchObject({
      slug: p.slug,
      info_code: "NW202206150000000003",
      title: p.title,
      published_at: p.publishedAt,
      local_date: "2022-06-15",
      path: "/x/NW202206150000000003/",
      categories: JSON.stringify(["TechWeb", "anxin(xianggang)"]),
      categories_raw: "TechWeb  anxin(xianggang)",
      tags: JSON.stringify(["河北新闻网新闻", "第二"]),
      body_html: p.bodyHtml,
      summary: p.summary,
      published: 1,
      permalink: "/x/:title/",
      hash: p.hash,
    });
    const terms = await db.all({
      sql: "SELECT t.kind, t.key, t.name, t.label FROM post_terms AS pt JOIN terms AS t USING (kind, key) JOIN posts AS p ON p.id = pt.post_id WHERE p.slug = ?1 ORDER BY t.kind, t.key",
      params: [p.slug],
    });
    expect(terms).toEqual([
      { kind: "c", key: "anxin(xianggang)", name: "anxin(xianggang)", label: "河北新闻网新闻" },
      { kind: "c", key: "techweb", name: "TechWeb", label: "河北新闻网新闻" },
      { kind: "r", key: "techweb  anxin(xianggang)", name: "TechWeb  anxin(xianggang)", label: "河北新闻网新闻" },
      { kind: "t", key: "河北新闻网新闻", name: "河北新闻网新闻", label: "河北新闻网新闻" },
      { kind: "t", key: "第二", name: "第二", label: "第二" },
    ]);
  });

  it("isolates a failing post: the rest of its batch is written, it alone is reported", async () => {
    await db.batch([
      {
        sql: "CREATE TRIGGER refuse_bad BEFORE INSERT ON posts WHEN NEW.slug = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END",
        params: [],
      },
    ]);
    const posts = [await makePost("good1"), await makePost("bad"), await makePost("good2")];
    const failed: [string, string][] = [];
    const outcome = await syncPosts(db, posts, 6000, { onError: (slug, err) => failed.push([slug, String(err)]) });
    expect(Object.fromEntries(outcome)).toEqual({ good1: "inserted", good2: "inserted" });
    expect(failed).toEqual([["bad", expect.stringMatching(/refused by test trigger/)]]);
    expect(
      await db.all({ sql: "SELECT slug FROM posts WHERE slug IN ('good1', 'bad', 'good2') ORDER BY slug", params: [] }),
    ).toEqual([{ slug: "good1" }, { slug: "good2" }]);
    await db.batch([{ sql: "DROP TRIGGER refuse_bad", params: [] }]);
  });

  it("records in the change log the cache tags of every list a post joins or leaves, and of its page once it exists", async () => {
    const changes = async () =>
      (await db.all<{ tag: string; at: number }>({ sql: "SELECT tag, at FROM cache_changes ORDER BY tag", params: [] })).filter(
        (r) => /chglog|logged|^site$/.test(r.tag),
      );
    await db.batch([{ sql: "DELETE FROM cache_changes", params: [] }]);
    await syncPosts(db, [await makePost("logged", { categories: "chglog-a", tags: "chglogtag" })], 8000);
    // A new post: the site and its lists; no page of it can be cached yet.
    expect((await changes()).map((r) => r.tag)).toEqual(["c:chglog-a", "site", "t:chglogtag"]);
    const before = Date.now();
    await syncPosts(db, [await makePost("logged", { categories: "chglog-b", tags: "chglogtag" })], 8001);
    const after = await changes();
    expect(after.map((r) => r.tag)).toEqual(["c:chglog-a", "c:chglog-b", "post:logged", "site", "t:chglogtag"]);
    // Dated by the database's clock when the batch ends (none is left marked 0).
    for (const r of after) expect(r.at).toBeGreaterThan(0);
    expect(after.find((r) => r.tag === "c:chglog-b")?.at).toBeGreaterThanOrEqual(before - 1000);
    // Unchanged posts write nothing, so record nothing.
    const seqBefore = await db.all<{ s: number }>({ sql: "SELECT max(seq) AS s FROM cache_changes", params: [] });
    await syncPosts(db, [await makePost("logged", { categories: "chglog-b", tags: "chglogtag" })], 8002);
    expect(await db.all({ sql: "SELECT max(seq) AS s FROM cache_changes", params: [] })).toEqual(seqBefore);
    // Rows older than any edge copy can be are pruned after a run, but the newest: the head stays.
    const head = async () => (await db.all<{ s: number }>({ sql: "SELECT max(seq) AS s FROM cache_changes", params: [] }))[0]?.s;
    const headBefore = await head();
    await prune(db, Date.now() + 3 * 86_400_000);
    expect(await db.all({ sql: "SELECT count(*) AS n FROM cache_changes", params: [] })).toEqual([{ n: 1 }]);
    expect(await head()).toBe(headBefore);
  });

  it("replaces a post's terms when it changes, drops them when it is unpublished, and prunes orphans", async () => {
    const terms = async () =>
      (
        await db.all<{ k: string }>({
          sql: "SELECT kind || ':' || key AS k FROM terms WHERE key LIKE 'zz%' ORDER BY k",
          params: [],
        })
      ).map((r) => r.k);
    await syncPosts(db, [await makePost("moves", { categories: "zzold", tags: "zztag" })], 7000);
    expect(await terms()).toEqual(["c:zzold", "t:zztag"]);
    await syncPosts(db, [await makePost("moves", { categories: "zznew", tags: "zztag" })], 7001);
    await prune(db, Date.now());
    expect(await terms()).toEqual(["c:zznew", "t:zztag"]);
    await syncPosts(db, [await makePost("moves", { categories: "zznew", tags: "zztag", published: "false" })], 7002);
    await prune(db, Date.now());
    expect(await terms()).toEqual([]);
    expect(
      await db.all({
        sql: "SELECT count(*) AS n FROM post_terms AS pt JOIN posts AS p ON p.id = pt.post_id WHERE p.slug = 'moves'",
        params: [],
      }),
    ).toEqual([{ n: 0 }]);
  });

  it("looks at the terms only when the database was written since it last did (a publish into one of ten pays for one)", async () => {
    const orphan = async () =>
      (await db.all<{ n: number }>({ sql: "SELECT count(*) AS n FROM terms WHERE key = 'zzorphan'", params: [] }))[0]?.n;
    await prune(db, Date.now());
    // A term no post uses, put there behind the write path's back (no change-log row).
    await db.batch([
      { sql: "INSERT INTO terms (kind, key, name, label) VALUES ('c', 'zzorphan', 'zzorphan', 'zzorphan')", params: [] },
    ]);
    await prune(db, Date.now());
    expect(await orphan()).toBe(1);
    await syncPosts(db, [await makePost("prune-trigger", { categories: "zzother" })], 7100);
    await prune(db, Date.now());
    expect(await orphan()).toBe(0);
  });

  it("still prunes terms a write orphaned after the change log aged out (its head never goes back)", async () => {
    const orphan = async () =>
      (await db.all<{ n: number }>({ sql: "SELECT count(*) AS n FROM terms WHERE key = 'zzaged'", params: [] }))[0]?.n;
    // A seed's prune over an empty log …
    await db.batch([{ sql: "DELETE FROM cache_changes", params: [] }]);
    await prune(db, Date.now());
    // … then writes that leave a term without posts, as the API's (which does not prune) …
    await syncPosts(db, [await makePost("aged", { categories: "zzaged" })], 7200);
    await syncPosts(db, [await makePost("aged", { categories: "zzaged2" })], 7201);
    // … then two quiet days: the Cron Trigger drops the log's old rows (src/scheduled.ts) …
    await db.batch([pruneChanges(Date.now() + 3 * 86_400_000)]);
    // … and the next seed's prune still sees that the database was written.
    await prune(db, Date.now());
    expect(await orphan()).toBe(0);
  });
});

describe("remoteWranglerConfig", () => {
  let project: ProjectConfig;
  beforeAll(async () => {
    project = await loadProjectConfig(CONFIG);
  });

  it("names the same database as wrangler.toml, marked remote", () => {
    const database = { ...project.database, id: "6f1c2a4e-8d1b-4c5e-9a7f-1234567890ab" };
    const p = { ...project, database, databases: [database] };
    expect(remoteWranglerConfig(p)).toMatchObject({
      d1_databases: [
        { binding: "DB", database_name: "finews", database_id: "6f1c2a4e-8d1b-4c5e-9a7f-1234567890ab", remote: true },
      ],
    });
  });

  it("refuses the placeholder id and a missing id with a message naming the fix", () => {
    expect(project.database.id).toBe("00000000-0000-0000-0000-000000000000");
    expect(() => remoteWranglerConfig(project)).toThrow(ConfigError);
    expect(() => remoteWranglerConfig(project)).toThrow(/placeholder database_id .*npx wrangler d1 create finews/);
    const none = { ...project.database, id: "" };
    expect(() => remoteWranglerConfig({ ...project, database: none, databases: [none] })).toThrow(/no database_id/);
  });
});
