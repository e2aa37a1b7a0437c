/**
 * @module db/sync
 * Makes stored posts equal to parsed ones: one hash lookup per chunk, then
 * only new or changed posts are written, each post wholly inside one D1
 * batch (a transaction), so a killed run never leaves half a post.
 */
import { pruneChanges, pruneCopies } from "./changes";

/** Whether two feed-entry keys (`<code>-<site>:<updated>`) were rendered alike, whatever their dates. */
const sameRendering = (a: string, b: string | null): boolean => b !== null && a.split(":")[0] === b.split(":")[0];
import {
  PRUNE_TERMS,
  type Statement,
  recordFile,
  recordFiles,
  type StoredPost,
  selectHashes,
  stateWrite,
  TERMS_PRUNED,
  updateFeedEntries,
  updateFeedEntriesPacked,
  writePostRows,
  writePosts,
} from "./statements";

/** What the write path needs from a database: the D1 binding satisfies it, local or remote. */
export interface Executor {
  all<T>(stmt: Statement): Promise<T[]>;
  /** Runs statements as one transaction. */
  batch(stmts: Statement[]): Promise<void>;
  /** The database runs in this process: statements are free, so rows go one per statement, not packed into JSON. */
  readonly inProcess?: boolean;
  /** Bytes the database takes now, or null when it will not say. */
  size?(): Promise<number | null>;
}

/** The part of D1Database used here (keeps this module free of the Workers type globals). */
export interface D1DatabaseLike {
  prepare(sql: string): D1PreparedLike;
  batch(stmts: D1PreparedLike[]): Promise<unknown>;
}
export interface D1PreparedLike {
  bind(...values: unknown[]): D1PreparedLike;
  all<T>(): Promise<{ results: T[]; meta?: { size_after?: number } }>;
}

/**
 * An Executor over a D1 binding. Prepared statements are reused per SQL text: through
 * getPlatformProxy every prepare() is a synchronous round trip to workerd (or to Cloudflare).
 */
export function d1Executor(db: D1DatabaseLike): Executor {
  const prepared = new Map<string, D1PreparedLike>();
  const bound = (s: Statement) => {
    let p = prepared.get(s.sql);
    if (!p) {
      if (prepared.size >= 64) prepared.clear();
      p = db.prepare(s.sql);
      prepared.set(s.sql, p);
    }
    return p.bind(...s.params);
  };
  return {
    async all<T>(s: Statement) {
      return (await bound(s).all<T>()).results;
    },
    async batch(stmts: Statement[]) {
      if (stmts.length) await db.batch(stmts.map(bound));
    },
    // D1 does not authorize PRAGMA page_count; every result reports the database's size instead.
    async size() {
      const size = (await db.prepare("SELECT 1").all()).meta?.size_after;
      return typeof size === "number" ? size : null;
    },
  };
}

export type Outcome = "inserted" | "updated" | "unchanged";

/** A post whose slug is stored from another file: it is not written. */
export interface Conflict {
  slug: string;
  /** The file the stored post came from. */
  storedFile: string;
}

/** The refusal of a post whose slug another file holds, and what to do about it. */
export function conflictReason({ slug, storedFile }: Conflict): string {
  return (
    `slug "${slug}" already belongs to the stored post from ${storedFile}: one slug, one file. ` +
    `To replace it, take that post down first (DELETE /api/posts/${storedFile}) or give this file its name`
  );
}

/** What writing `posts` would do, from the stored hashes (reads only). */
export async function planPosts(
  db: Executor,
  posts: StoredPost[],
  onConflict?: (c: Conflict) => void,
): Promise<Map<string, Outcome>> {
  const { outcome, conflicts } = await planWrites(db, posts);
  for (const c of conflicts) onConflict?.(c);
  return outcome;
}

/**
 * The outcome of each post, the unchanged ones whose stored feed entries were rendered under
 * another key (another site config or entry code: those get their entries replaced, nothing
 * else), and the posts whose slug belongs to another file (left out of the outcome).
 */
async function planWrites(db: Executor, posts: StoredPost[]) {
  const outcome = new Map<string, Outcome>();
  /** Unchanged posts whose entries need rendering again, with the time they count as updated (0: never). */
  const refresh: { post: StoredPost; updatedAt: number }[] = [];
  const conflicts: Conflict[] = [];
  const learn: { slug: string; file: string }[] = [];
  if (!posts.length) return { outcome, refresh, conflicts, learn };
  const rows = await db.all<{
    slug: string;
    hash: string;
    feed_key: string | null;
    created_at: number;
    updated_at: number;
    file: string | null;
  }>(selectHashes(posts.map((p) => p.slug)));
  const stored = new Map(rows.map((r) => [r.slug, r]));
  for (const p of posts) {
    const old = stored.get(p.slug);
    if (old?.file && p.file && old.file !== p.file) {
      conflicts.push({ slug: p.slug, storedFile: old.file });
      continue;
    }
    const same = old !== undefined && old.hash === p.hash;
    outcome.set(p.slug, old === undefined ? "inserted" : same ? "unchanged" : "updated");
    // Stored before files were recorded: it learns its file, nothing else changes.
    if (same && !old.file && p.file) learn.push({ slug: p.slug, file: p.file });
    // Same content: its entries are replaced only when rendered for another site or by other code.
    if (same && p.feed && !sameRendering(p.feed.key, old.feed_key)) {
      refresh.push({ post: p, updatedAt: old.updated_at > old.created_at ? old.updated_at : 0 });
    }
  }
  return { outcome, refresh, conflicts, learn };
}

/**
 * Renders feed entries again for posts about to be stored as updated: an entry's `updated` date is
 * its publication unless its content changed after it was first stored (then the write time).
 */
export type RefreshEntries = (posts: StoredPost[], updatedAt: number) => StoredPost["feed"][];

export interface SyncOptions {
  /** A post that fails alone is left out and reported here (else the error is thrown). */
  onError?: (slug: string, err: unknown) => void;
  /** A post whose slug is stored from another file is left out and reported here. */
  onConflict?: (c: Conflict) => void;
  /** Without it, updated posts are stored without feed entries (feeds render them on request). */
  refreshEntries?: RefreshEntries;
}

/** Feed-entry replacements per batch (packed into a few JSON statements over the network). */
const REFRESH_BATCH = 100;
/** Keeps one D1 batch well under request limits. */
const BATCH_BYTES = 4_000_000;
const BATCH_POSTS = 1000;

const approxBytes = (p: StoredPost) =>
  // UTF-16 length × 3 bounds the UTF-8 size; the bodies dominate.
  (p.bodyHtml.length + p.summary.length + p.title.length) * 3 +
  ((p.feed?.atom.length ?? 0) + (p.feed?.rss.length ?? 0) + (p.feed?.json.length ?? 0)) * 3 +
  // Search tokens: about three characters per character of text.
  (p.search?.length ?? p.bodyHtml.length * 3) * 3 +
  1000;

/**
 * Writes the new and changed posts of `posts` (distinct slugs) and returns each slug's outcome.
 * A failing batch is retried post by post, so one bad post costs only itself; a post that still
 * fails is left out of the result and reported through `onError` (or thrown, without one).
 */
export async function syncPosts(
  db: Executor,
  posts: StoredPost[],
  now: number,
  opts: SyncOptions = {},
): Promise<Map<string, Outcome>> {
  const { onError } = opts;
  const { outcome, refresh, conflicts, learn } = await planWrites(db, posts);
  for (const c of conflicts) opts.onConflict?.(c);
  if (learn.length) {
    await db.batch(
      db.inProcess
        ? learn.map((l) => recordFile(l.slug, l.file))
        : recordFiles(learn.map((l): [string, string] => [l.slug, l.file])),
    );
  }
  let changed = posts.filter((p) => {
    const o = outcome.get(p.slug);
    return o !== undefined && o !== "unchanged";
  });
  const updated = changed.filter((p) => outcome.get(p.slug) === "updated" && p.feed);
  if (updated.length) {
    const entries = opts.refreshEntries?.(updated, now) ?? updated.map(() => null);
    const byPost = new Map(updated.map((p, i) => [p, entries[i] ?? null]));
    changed = changed.map((p) => (byPost.has(p) ? { ...p, feed: byPost.get(p) } : p));
  }
  // An edited post's entries are dated at its last write, not at publication as the parse threads render them.
  const refreshed = refresh.map(({ post, updatedAt }) =>
    updatedAt ? { ...post, feed: opts.refreshEntries?.([post], updatedAt)[0] ?? null } : post,
  );
  for (let i = 0; i < refreshed.length; i += REFRESH_BATCH) {
    const group = refreshed.slice(i, i + REFRESH_BATCH);
    await db.batch(db.inProcess ? group.map(updateFeedEntries) : updateFeedEntriesPacked(group));
  }
  const write = async (group: StoredPost[]) => {
    try {
      await db.batch(db.inProcess ? writePostRows(group, now) : writePosts(group, now));
    } catch (err) {
      if (group.length > 1) {
        for (const p of group) await write([p]);
        return;
      }
      const slug = (group[0] as StoredPost).slug;
      outcome.delete(slug);
      if (!onError) throw err;
      onError(slug, err);
    }
  };
  let group: StoredPost[] = [];
  let bytes = 0;
  for (const p of changed) {
    const size = approxBytes(p);
    // In process a batch carries no request, so only its count bounds it: fewer, bigger transactions
    // let the search index (FTS5) buffer more entries per segment it writes.
    if (group.length && ((!db.inProcess && bytes + size > BATCH_BYTES) || group.length >= BATCH_POSTS)) {
      await write(group);
      group = [];
      bytes = 0;
    }
    group.push(p);
    bytes += size;
  }
  if (group.length) await write(group);
  return outcome;
}

/** The change log's head, and its head when terms were last pruned. */
const PRUNE_STATE: Statement = {
  sql: `SELECT coalesce((SELECT max(seq) FROM cache_changes), 0) AS head, (SELECT value FROM state WHERE name = '${TERMS_PRUNED}') AS pruned`,
  params: [],
};

/**
 * After a run: drops terms no stored post uses any more, and change-log rows older than any edge
 * copy can be. Terms are looked at only in a database written since they last were (every write
 * adds to its change log, a killed run's too): the scan reads every term, about 8 ms for 2,000
 * warm and most of a second cold over ten databases, which a publish into one of them must not pay.
 */
export async function prune(db: Executor, now: number): Promise<void> {
  const [s] = await db.all<{ head: number; pruned: number | null }>(PRUNE_STATE);
  const terms = s && s.head !== s.pruned ? [PRUNE_TERMS, stateWrite(TERMS_PRUNED, s.head)] : [];
  await db.batch([...terms, pruneChanges(now), pruneCopies(now)]);
}
