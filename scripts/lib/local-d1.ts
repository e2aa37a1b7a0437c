/**
 * @module scripts/lib/local-d1
 * The local executor: the SQLite file behind the project's local D1, written
 * directly with node:sqlite. It is the very file `wrangler dev` and
 * `wrangler d1 … --local` read: Miniflare keeps each D1 database as a Durable
 * Object whose storage is `<state>/v3/d1/miniflare-D1DatabaseObject/<id>.sqlite`,
 * where `<id>` is workerd's idFromName() of the database id (computed below).
 * Going straight to the file costs no wrangler import and no workerd start
 * (~2.5 s of every publish before) and no HTTP hop per batch.
 *
 * Sharing the file with a running `wrangler dev` is safe: workerd opens it
 * through SQLite's own unix VFS, so both processes take the same POSIX locks
 * and the same WAL index; a read never sees half a batch, and a write waits
 * (busy_timeout) instead of failing while the other side holds the lock.
 */
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Statement } from "../../src/db/statements";
import type { Executor } from "../../src/db/sync";

/** Miniflare's Durable Object namespace key for D1 databases. */
const D1_UNIQUE_KEY = "miniflare-D1DatabaseObject";

/**
 * workerd's ActorIdFactoryImpl::idFromName: key = SHA-256(uniqueKey); the first 16 bytes are
 * HMAC(key, name), the next 16 are HMAC(key, those 16 bytes); hex-encoded.
 */
export function durableObjectIdFromName(uniqueKey: string, name: string): string {
  const key = createHash("sha256").update(uniqueKey).digest();
  const base = createHmac("sha256", key).update(name).digest().subarray(0, 16);
  const mac = createHmac("sha256", key).update(base).digest().subarray(0, 16);
  return Buffer.concat([base, mac]).toString("hex");
}

/** The SQLite file of the local D1 database `databaseKey` under wrangler's `<state>/v3`. */
export function localD1File(persistRoot: string, databaseKey: string): string {
  return join(persistRoot, "d1", D1_UNIQUE_KEY, `${durableObjectIdFromName(D1_UNIQUE_KEY, databaseKey)}.sqlite`);
}

export interface LocalD1 {
  db: Executor;
  close(): Promise<void>;
}

/** How long a write waits for a lock held by another process (wrangler dev reading) before failing. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating when absent, unless `readOnly`) the local D1 file. A new file is put in WAL mode,
 * the journal workerd uses for it, so the first `wrangler dev` after the seed finds what it expects.
 */
export function openLocalD1(file: string, opts: { readOnly?: boolean } = {}): LocalD1 {
  const fresh = !existsSync(file);
  if (fresh) mkdirSync(join(file, ".."), { recursive: true });
  const sqlite = new DatabaseSync(file, { readOnly: opts.readOnly ?? false, timeout: BUSY_TIMEOUT_MS });
  if (fresh) sqlite.exec("PRAGMA journal_mode = WAL");
  // In WAL mode NORMAL still survives a killed process (a committed batch stays committed); it only
  // gives up durability on power loss, which a local copy can afford for one fsync less per batch.
  sqlite.exec("PRAGMA synchronous = NORMAL");
  const prepared = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let s = prepared.get(sql);
    if (!s) {
      if (prepared.size >= 64) prepared.clear();
      s = sqlite.prepare(sql);
      prepared.set(sql, s);
    }
    return s;
  };
  return {
    db: {
      inProcess: true,
      async all<T>(s: Statement) {
        return prepare(s.sql).all(...s.params) as T[];
      },
      async size() {
        const row = sqlite
          .prepare("SELECT p.page_count * s.page_size AS bytes FROM pragma_page_count() AS p, pragma_page_size() AS s")
          .get();
        return typeof row?.bytes === "number" ? row.bytes : null;
      },
      async batch(stmts: Statement[]) {
        if (!stmts.length) return;
        // IMMEDIATE takes the write lock up front, so a concurrent reader can't turn this
        // transaction into a deadlocked upgrade halfway through.
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          for (const s of stmts) prepare(s.sql).run(...s.params);
          sqlite.exec("COMMIT");
        } catch (err) {
          if (sqlite.isTransaction) sqlite.exec("ROLLBACK");
          throw err;
        }
      },
    },
    close: async () => {
      prepared.clear();
      sqlite.close();
    },
  };
}
