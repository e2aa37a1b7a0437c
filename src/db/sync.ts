/**
 * @module db/sync
 * Makes stored posts equal to parsed ones: one hash lookup per chunk, then
 * only new or changed posts are written, each post wholly inside one D1
 * batch (a transaction), so a killed run never leaves half a post.
 */
import type { PostRecord } from "../content/types";
import { pruneChanges } from "./changes";
import { PRUNE_TERMS, type Statement, selectHashes, writePostRows, writePosts } from "./statements";

/** What the write path needs from a database: the D1 binding satisfies it, local or remote. */
export interface Executor {
  all<T>(stmt: Statement): Promise<T[]>;
  /** Runs statements as one transaction. */
  batch(stmts: Statement[]): Promise<void>;
  /** The database runs in this process: statements are free, so rows go one per statement, not packed into JSON. */
  readonly inProcess?: boolean;
}

/** The part of D1Database used here (keeps this module free of the Workers type globals). */
export interface D1DatabaseLike {
  prepare(sql: string): D1PreparedLike;
  batch(stmts: D1PreparedLike[]): Promise<unknown>;
}
export interface D1PreparedLike {
  bind(...values: unknown[]): D1PreparedLike;
  all<T>(): Promise<{ results: T[] }>;
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
  };
}

export type Outcome = "inserted" | "updated" | "unchanged";

/** What writing `posts` would do, from the stored hashes (reads only). */
export async function planPosts(db: Executor, posts: PostRecord[]): Promise<Map<string, Outcome>> {
  const plan = new Map<string, Outcome>();
  if (!posts.length) return plan;
  const stored = new Map(
    (await db.all<{ slug: string; hash: string }>(selectHashes(posts.map((p) => p.slug)))).map((r) => [r.slug, r.hash]),
  );
  for (const p of posts) {
    const old = stored.get(p.slug);
    plan.set(p.slug, old === undefined ? "inserted" : old === p.hash ? "unchanged" : "updated");
  }
  return plan;
}

/** Keeps one D1 batch well under request limits. */
const BATCH_BYTES = 4_000_000;
const BATCH_POSTS = 1000;

const approxBytes = (p: PostRecord) =>
  // UTF-16 length × 3 bounds the UTF-8 size; the bodies dominate.
  (p.bodyMd.length + p.bodyHtml.length + p.summary.length + p.title.length) * 3 + 1000;

/**
 * Writes the new and changed posts of `posts` (distinct slugs) and returns each slug's outcome.
 * A failing batch is retried post by post, so one bad post costs only itself; a post that still
 * fails is left out of the result and reported through `onError` (or thrown, without one).
 */
export async function syncPosts(
  db: Executor,
  posts: PostRecord[],
  now: number,
  onError?: (slug: string, err: unknown) => void,
): Promise<Map<string, Outcome>> {
  const outcome = await planPosts(db, posts);
  const changed = posts.filter((p) => outcome.get(p.slug) !== "unchanged");
  const write = async (group: PostRecord[]) => {
    try {
      await db.batch(db.inProcess ? writePostRows(group, now) : writePosts(group, now));
    } catch (err) {
      if (group.length > 1) {
        for (const p of group) await write([p]);
        return;
      }
      const slug = (group[0] as PostRecord).slug;
      outcome.delete(slug);
      if (!onError) throw err;
      onError(slug, err);
    }
  };
  let group: PostRecord[] = [];
  let bytes = 0;
  for (const p of changed) {
    const size = approxBytes(p);
    if (group.length && (bytes + size > BATCH_BYTES || group.length >= BATCH_POSTS)) {
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

/**
 * After a run: drops terms no stored post uses any more, and change-log rows older than any edge
 * copy can be (both no-ops, nothing written, when there are none).
 */
export async function prune(db: Executor, now: number): Promise<void> {
  await db.batch([PRUNE_TERMS, pruneChanges(now)]);
}
