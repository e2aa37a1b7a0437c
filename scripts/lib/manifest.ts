/**
 * @module scripts/lib/manifest
 * What the seed last wrote to one target (a local D1 file, a remote database,
 * an ingest API origin), file by file: absolute path, size, modification
 * time, slug and the stored post's hash. A re-run trusts an entry only while
 * the file's size and time still match it and the target still holds that
 * hash for the slug (one query per 1,000 files); such a file is unchanged
 * without being read. Everything else is read, parsed and compared as
 * always. The manifest names the parser and settings it was made under and
 * is ignored whole when they differ. A SQLite file under
 * `.wrangler/seed-manifest/` next to wrangler.toml; deleting it only makes
 * the next run slower.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface ManifestEntry {
  size: number;
  mtimeMs: number;
  slug: string;
  hash: string;
}

export interface Manifest {
  /** The entries of `paths` (absolute) that exist. */
  lookup(paths: string[]): Map<string, ManifestEntry>;
  /** Records files written or found unchanged. */
  record(entries: (ManifestEntry & { path: string })[]): void;
  /** Forgets files (rejected ones: their next run must read them). */
  forget(paths: string[]): void;
  close(): void;
}

/** Where the manifest of `target` lives, next to the wrangler config. */
export function manifestFile(configPath: string, target: string): string {
  const id = createHash("sha256").update(target).digest("hex").slice(0, 16);
  return join(dirname(resolve(configPath)), ".wrangler", "seed-manifest", `${id}.sqlite`);
}

const CHUNK = 500;

/**
 * Opens (or creates) the manifest at `file` for `identity` (target, parser version and the settings
 * that change stored rows); one made under another identity is emptied.
 */
export function openManifest(file: string, identity: string): Manifest {
  mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 10_000 });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec(
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);" +
      "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, slug TEXT NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;",
  );
  const stored = db.prepare("SELECT value FROM meta WHERE name = 'identity'").get() as { value: string } | undefined;
  if (stored?.value !== identity) {
    db.exec("DELETE FROM files");
    db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('identity', ?)").run(identity);
  }
  const select = db.prepare(
    "SELECT f.path, f.size, f.mtime, f.slug, f.hash FROM json_each(?) AS j JOIN files AS f ON f.path = j.value",
  );
  const upsert = db.prepare("INSERT OR REPLACE INTO files (path, size, mtime, slug, hash) VALUES (?, ?, ?, ?, ?)");
  const remove = db.prepare("DELETE FROM files WHERE path = ?");
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
  return {
    lookup(paths) {
      const out = new Map<string, ManifestEntry>();
      for (let i = 0; i < paths.length; i += CHUNK) {
        const rows = select.all(JSON.stringify(paths.slice(i, i + CHUNK))) as {
          path: string;
          size: number;
          mtime: number;
          slug: string;
          hash: string;
        }[];
        for (const r of rows) out.set(r.path, { size: r.size, mtimeMs: r.mtime, slug: r.slug, hash: r.hash });
      }
      return out;
    },
    record(entries) {
      if (entries.length) inTransaction(() => entries.forEach((e) => upsert.run(e.path, e.size, e.mtimeMs, e.slug, e.hash)));
    },
    forget(paths) {
      if (paths.length) inTransaction(() => paths.forEach((p) => remove.run(p)));
    },
    close: () => db.close(),
  };
}
