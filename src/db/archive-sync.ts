/**
 * @module db/archive-sync
 * The write path over the whole archive, for the seed (local, remote) and the
 * ingest API alike: each post is written into the database its local date
 * belongs to (db/archive) by db/sync; a post whose date moved it to another
 * database leaves the old one; keys that do not name the post's own date go
 * into the routing table first; and a database at ARCHIVE_MAX_BYTES takes
 * nothing more, with a message saying which and what to change.
 */
import { PRIMARY_BINDING } from "../config";
import { primaryOf, type Shard, shardAt, strayKeys } from "./archive";
import { CHANGE_SEQ, copyTags, tagsAfter } from "./changes";
import { ensureMigrations, type MigrationFile, PendingMigrationsError } from "./migrations";
import {
  deletePost,
  packJson,
  type Statement,
  type StoredPost,
  selectHashes,
  selectStoredHashes,
  TARGET_STATE,
} from "./statements";
import { type Conflict, type Executor, type Outcome, planPosts, prune, type SyncOptions, syncPosts } from "./sync";

/** Where a run writes: every database of the archive, newest first. */
export interface WriteTarget {
  shards: Shard<Executor>[];
  timeZone: string;
  /** ARCHIVE_MAX_BYTES: a database this large takes no more posts. */
  maxBytes: number;
}

/** One database as the whole archive (tests, and tools that know they have one). */
export const singleTarget = (db: Executor, maxBytes = Number.POSITIVE_INFINITY): WriteTarget => ({
  shards: [{ name: PRIMARY_BINDING, from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, db }],
  timeZone: "UTC",
  maxBytes,
});

/** Bytes a database takes (D1 reports it with every result; a local file, its pages). Null when it will not say. */
export async function databaseBytes(db: Executor): Promise<number | null> {
  try {
    return (await db.size?.()) ?? null;
  } catch {
    return null;
  }
}

const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

/** Why a database takes no more posts, and the configuration change that gives them a home. */
export function fullReason(name: string, bytes: number, max: number): string {
  return (
    `database ${name} is full: it holds ${gb(bytes)}, and ARCHIVE_MAX_BYTES stops writes at ${gb(max)} ` +
    "(D1 caps a database at 10 GB). Give the dates it covers a new database: create one " +
    "('npx wrangler d1 create <name>'), bind it in wrangler.toml, add it to ARCHIVE with the first date it should hold, " +
    'and apply the migrations to it (docs/scaling.md, "When a database fills"). Nothing was written to it.'
  );
}

/** Posts grouped by the database their publication time belongs to, newest database first. */
function byShard(t: WriteTarget, posts: StoredPost[]): Map<Shard<Executor>, StoredPost[]> {
  const out = new Map<Shard<Executor>, StoredPost[]>(t.shards.map((s) => [s, []]));
  for (const p of posts) out.get(shardAt(t.shards, p.publishedAt))?.push(p);
  for (const [s, list] of out) if (!list.length) out.delete(s);
  return out;
}

export interface ArchiveSyncOptions extends SyncOptions {
  /** A post refused because its database is full, with the reason. */
  onFull?: (slug: string, reason: string) => void;
}

/** The routing-table rows (for the primary database) that posts stored in `home` need: those whose keys do not name their own date. */
export function routeRows<T>(
  t: { shards: Shard<T>[]; timeZone: string },
  home: Shard<T>,
  posts: { path: string; infoCode: string | null }[],
): Statement[] {
  const rows = posts.flatMap((p) => strayKeys(t.shards, home, p, t.timeZone).map((key) => [key, home.name]));
  if (!rows.length) return [];
  return [
    {
      sql:
        "INSERT OR REPLACE INTO archive_routes (key, shard) " +
        "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?1) AS j",
      params: [JSON.stringify(rows)],
    },
  ];
}

/**
 * Writes `posts` into their databases (db/sync per database) and returns each slug's outcome. A
 * post stored in another database from the same file (its date moved it) is taken out of that one
 * and counts as updated.
 */
export async function syncArchive(
  t: WriteTarget,
  posts: StoredPost[],
  now: number,
  opts: ArchiveSyncOptions = {},
): Promise<Map<string, Outcome>> {
  const outcome = new Map<string, Outcome>();
  for (const [home, group] of byShard(t, posts)) {
    const bytes = Number.isFinite(t.maxBytes) ? await databaseBytes(home.db) : null;
    if (bytes !== null && bytes >= t.maxBytes) {
      // Unchanged posts are still counted as such: a re-run over a full database is not an error.
      const plan = await planPosts(home.db, group, opts.onConflict);
      for (const [slug, o] of plan) {
        if (o === "unchanged") outcome.set(slug, o);
        else opts.onFull?.(slug, fullReason(home.name, bytes, t.maxBytes));
      }
      continue;
    }
    const routes = routeRows(t, home, group);
    if (routes.length) await primaryOf(t.shards).db.batch(routes);
    const written = await mirrored(t, home, () => syncPosts(home.db, group, now, opts));
    const inserted = group.filter((p) => written.get(p.slug) === "inserted");
    for (const slug of await moveOut(t, home, inserted)) written.set(slug, "updated");
    for (const [slug, o] of written) outcome.set(slug, o);
  }
  return outcome;
}

/** Takes posts just inserted into `home` out of any other database that holds them from the same file. */
async function moveOut(t: WriteTarget, home: Shard<Executor>, inserted: StoredPost[]): Promise<string[]> {
  if (t.shards.length < 2 || !inserted.length) return [];
  const files = new Map(inserted.map((p) => [p.slug, p.file ?? null]));
  const moved: string[] = [];
  for (const other of t.shards) {
    if (other === home) continue;
    const rows = await other.db.all<{ slug: string; file: string | null }>(selectHashes([...files.keys()]));
    for (const r of rows) {
      const file = files.get(r.slug);
      if (r.file && file && r.file !== file) continue; // another file's post of that slug: both stay
      await deleteFrom(t, other, r.slug);
      moved.push(r.slug);
    }
  }
  return moved;
}

/**
 * Runs `write` on `shard`; when that is not DB, copies the tags its change-log rows name into DB's
 * `edge_changes` afterwards. The emulated edge asks DB alone (db/repository changedSince): one
 * query per hit, however many databases. Each database's own log, written in the same transaction
 * as its posts, is what the purger and the WebSub notifier read; so a copy that never happened (the
 * writer died between the two) costs only an emulated copy kept until its freshness ends (60 s for
 * lists, a day for an article), never a missed purge.
 */
export async function mirrored<T>(t: WriteTarget, shard: Shard<Executor>, write: () => Promise<T>): Promise<T> {
  const primary = primaryOf(t.shards);
  if (shard === primary) return write();
  const [head] = await shard.db.all<{ seq: number }>(CHANGE_SEQ);
  const out = await write();
  const tags = (await shard.db.all<{ tag: string }>(tagsAfter(head?.seq ?? 0))).map((r) => r.tag);
  if (tags.length) await primary.db.batch(packJson(tags).packs.map(copyTags));
  return out;
}

/** Takes `slug` out of `shard` (the API's DELETE; a post whose date moved it elsewhere). */
export const deleteFrom = (t: WriteTarget, shard: Shard<Executor>, slug: string) =>
  mirrored(t, shard, () => shard.db.batch(deletePost(slug)));

/** What writing `posts` would do (dry runs): reads only. */
export async function planArchive(
  t: WriteTarget,
  posts: StoredPost[],
  onConflict?: (c: Conflict) => void,
): Promise<Map<string, Outcome>> {
  const outcome = new Map<string, Outcome>();
  for (const [home, group] of byShard(t, posts))
    for (const [k, v] of await planPosts(home.db, group, onConflict)) outcome.set(k, v);
  return outcome;
}

/** After a run: each database drops terms and change-log rows nothing needs. */
export async function pruneArchive(t: WriteTarget, now: number): Promise<void> {
  for (const s of t.shards) await prune(s.db, now);
}

/** Every database's epoch and change-log head as one text (the seed's manifest: did anyone else write?). */
export async function archiveState(t: WriteTarget): Promise<string | null> {
  const states = await Promise.all(
    t.shards.map(async (s) => (await s.db.all<{ state: string | null }>(TARGET_STATE))[0]?.state ?? null),
  );
  return states.some((x) => x === null) ? null : states.join("|");
}

/** The stored hash of each of `slugs`, from every database. */
export async function storedHashes(t: WriteTarget, slugs: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of t.shards)
    for (const r of await s.db.all<{ slug: string; hash: string }>(selectStoredHashes(slugs))) out.set(r.slug, r.hash);
  return out;
}

/** Whether any database of the target has its posts table (a dry run against fresh databases has none). */
export async function hasPostsTable(t: WriteTarget): Promise<boolean> {
  for (const s of t.shards) {
    const [row] = await s.db.all<{ n: number }>({
      sql: "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'posts'",
      params: [],
    });
    if (row?.n) return true;
  }
  return false;
}

/** Migrations for every database: applied (local), required (remote), or only looked at (dry runs), each named. */
export async function ensureArchiveMigrations(
  t: WriteTarget,
  files: MigrationFile[],
  how: "apply" | "require" | "inspect",
): Promise<{ database: string; applied: string[]; pending: string[] }[]> {
  const out: { database: string; applied: string[]; pending: string[] }[] = [];
  for (const s of [...t.shards].reverse()) {
    try {
      out.push({ database: s.name, ...(await ensureMigrations(s.db, files, how)) });
    } catch (err) {
      if (err instanceof PendingMigrationsError) throw new PendingMigrationsError(err.pending, s.name);
      throw err;
    }
  }
  return out;
}
