/**
 * @module scripts/lib/manifest
 * What the seed last wrote to one target (a local D1 file, a remote database,
 * an ingest API origin), file by file: absolute path, size, modification
 * time, slug and the stored post's hash; and the target's state right after
 * (its random epoch and change-log head). A re-run trusts an entry only while
 * the file's size and time still match it and the target is unchanged: its
 * state is the one recorded (nobody wrote since), or else it still holds
 * that hash for the slug (one query per 5,000 files). Such a file is
 * unchanged without being read. Everything else is read, parsed and compared as
 * always. The manifest names the parser and settings it was made under and
 * is ignored whole when they differ. A SQLite file under `seed-manifest/`
 * in the local state folder (local targets) or in `.wrangler/` next to
 * wrangler.toml (remote and API targets); deleting it only makes the next
 * run slower. Dry runs read it and never create or change it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface ManifestEntry {
  size: number;
  mtimeMs: number;
  slug: string;
  hash: string;
}

export interface Manifest {
  /** The entries of `paths` (absolute) that exist (when most are asked for: every entry). */
  lookup(paths: string[]): Map<string, ManifestEntry>;
  /** Records files written or found unchanged. */
  record(entries: (ManifestEntry & { path: string })[]): void;
  /** Forgets files (rejected ones: their next run must read them). */
  forget(paths: string[]): void;
  /** The target's state (epoch and change-log head) right after the last run, or null. */
  targetState(): string | null;
  setTargetState(state: string | null): void;
  close(): void;
}

/** Where the manifest of `target` lives: under `dir` (the local state folder, or `.wrangler/`). */
export function manifestFile(dir: string, target: string): string {
  const id = createHash("sha256").update(target).digest("hex").slice(0, 16);
  return join(resolve(dir), "seed-manifest", `${id}.sqlite`);
}

const CHUNK = 2000;
/** From this many paths on, lookups read the whole manifest once. */
const SCAN_FROM = 20_000;
const SCHEMA =
  "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);" +
  "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, " +
  "slug TEXT NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;";

const EMPTY: Manifest = {
  lookup: () => new Map(),
  record() {},
  forget() {},
  targetState: () => null,
  setTargetState() {},
  close() {},
};

const identityOf = (db: DatabaseSync) =>
  (db.prepare("SELECT value FROM meta WHERE name = 'identity'").get() as { value: string } | undefined)?.value;

/**
 * Opens (or creates) the manifest at `file` for `identity` (target, parser version and the settings
 * that change stored rows); one made under another identity is emptied.
 */
export function openManifest(file: string, identity: string): Manifest {
  mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 10_000 });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec(SCHEMA);
  if (identityOf(db) !== identity) {
    db.exec("DELETE FROM files");
    db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('identity', ?)").run(identity);
  }
  return over(db, true);
}

/** The manifest at `file` read-only (dry runs); an empty one when there is none or it is another identity's. */
export function readManifest(file: string, identity: string): Manifest {
  if (!existsSync(file)) return EMPTY;
  const db = new DatabaseSync(file, { readOnly: true, timeout: 10_000 });
  let same = false;
  try {
    same = identityOf(db) === identity;
  } catch {
    same = false;
  }
  if (!same) {
    db.close();
    return EMPTY;
  }
  return over(db, false);
}

function over(db: DatabaseSync, writable: boolean): Manifest {
  const select = db.prepare(
    "SELECT f.path, f.size, f.mtime, f.slug, f.hash FROM json_each(?) AS j JOIN files AS f ON f.path = j.value",
  );
  const all = db.prepare("SELECT path, size, mtime, slug, hash FROM files");
  const inTransaction = (f: () => void) => {
    db.exec("BEGIN");
    try {
      f();
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  };
  const upsert = writable
    ? db.prepare("INSERT OR REPLACE INTO files (path, size, mtime, slug, hash) VALUES (?, ?, ?, ?, ?)")
    : null;
  const remove = writable ? db.prepare("DELETE FROM files WHERE path = ?") : null;
  return {
    lookup(paths) {
      const out = new Map<string, ManifestEntry>();
      const add = (r: unknown[]) =>
        out.set(r[0] as string, { size: r[1] as number, mtimeMs: r[2] as number, slug: r[3] as string, hash: r[4] as string });
      if (paths.length >= SCAN_FROM) {
        // Most of the manifest is wanted: every entry in one query (the caller looks up its own).
        all.setReturnArrays(true);
        for (const r of all.all() as unknown as unknown[][]) add(r);
        return out;
      }
      select.setReturnArrays(true);
      for (let i = 0; i < paths.length; i += CHUNK) {
        for (const r of select.all(JSON.stringify(paths.slice(i, i + CHUNK))) as unknown as unknown[][]) add(r);
      }
      return out;
    },
    record(entries) {
      if (!upsert || !entries.length) return;
      inTransaction(() => {
        for (const e of entries) upsert.run(e.path, e.size, e.mtimeMs, e.slug, e.hash);
      });
    },
    forget(paths) {
      if (!remove || !paths.length) return;
      inTransaction(() => {
        for (const p of paths) remove.run(p);
      });
    },
    targetState: () =>
      (db.prepare("SELECT value FROM meta WHERE name = 'target_state'").get() as { value: string } | undefined)?.value ?? null,
    setTargetState(state) {
      if (!writable) return;
      if (state === null) db.prepare("DELETE FROM meta WHERE name = 'target_state'").run();
      else db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('target_state', ?)").run(state);
    },
    close: () => db.close(),
  };
}
