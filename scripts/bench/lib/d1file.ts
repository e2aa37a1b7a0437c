/**
 * @module scripts/bench/lib/d1file
 * The SQLite file behind a local D1 (`--persist-to DIR`), opened directly with
 * node:sqlite: for checks and statistics while no wrangler process holds it.
 * Miniflare keeps one file per database under v3/d1/miniflare-D1DatabaseObject/,
 * named by a hash, next to its own metadata.sqlite.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export function d1File(persistDir: string): string | null {
  const dir = join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  return name ? join(dir, name) : null;
}

export function openD1File(persistDir: string, readOnly = true): DatabaseSync {
  const file = d1File(persistDir);
  if (!file) throw new Error(`no local D1 under ${persistDir}`);
  return new DatabaseSync(file, { readOnly });
}

/** Posts in the database, or 0 when it does not exist yet (or is mid-migration). */
export function countPosts(persistDir: string): number {
  try {
    const db = openD1File(persistDir);
    try {
      return (db.prepare("SELECT count(*) AS n FROM posts").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Bytes on disk of a folder tree. */
export function duBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path)) n += duBytes(join(path, e));
  return n;
}
