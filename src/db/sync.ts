/**
 * @module db/sync
 * Makes stored posts equal to parsed ones: one hash lookup per chunk, then
 * only new or changed posts are written, each post's statements inside one
 * D1 batch (a transaction), so a killed run never leaves half a post.
 */
import type { PostRecord } from "../content/types";
import { MAX_PARAMS, type Statement, selectHashes, writePost } from "./statements";

/** What the write path needs from a database: the D1 binding satisfies it, local or remote. */
export interface Executor {
  all<T>(stmt: Statement): Promise<T[]>;
  /** Runs statements as one transaction. */
  batch(stmts: Statement[]): Promise<void>;
}

export function d1Executor(db: D1DatabaseLike): Executor {
  return {
    async all<T>(s: Statement) {
      const r = await db
        .prepare(s.sql)
        .bind(...s.params)
        .all<T>();
      return r.results;
    },
    async batch(stmts: Statement[]) {
      if (stmts.length) await db.batch(stmts.map((s) => db.prepare(s.sql).bind(...s.params)));
    },
  };
}

/** The part of D1Database used here (keeps this module free of the Workers type globals). */
export interface D1DatabaseLike {
  prepare(sql: string): { bind(...values: unknown[]): D1PreparedLike };
  batch(stmts: D1PreparedLike[]): Promise<unknown>;
}
export interface D1PreparedLike {
  all<T>(): Promise<{ results: T[] }>;
}

export type Outcome = "inserted" | "updated" | "unchanged";

/** Keeps one D1 batch well under request limits. */
const BATCH_BYTES = 4_000_000;
const BATCH_STATEMENTS = 400;

function statementBytes(s: Statement): number {
  let n = s.sql.length;
  for (const p of s.params) n += typeof p === "string" ? p.length * 3 : 8;
  return n;
}

/**
 * Writes a chunk of posts (at most 100, distinct slugs). Returns each slug's outcome.
 * A failing batch throws after nothing of it landed; `onBatchError` lets callers record and go on.
 */
export async function syncPosts(
  db: Executor,
  posts: PostRecord[],
  now: number,
  onBatchError?: (slugs: string[], err: unknown) => void,
): Promise<Map<string, Outcome>> {
  const outcome = new Map<string, Outcome>();
  if (!posts.length) return outcome;
  if (posts.length > MAX_PARAMS) throw new Error(`syncPosts: chunk of ${posts.length} exceeds ${MAX_PARAMS}`);
  const stored = new Map(
    (await db.all<{ slug: string; hash: string }>(selectHashes(posts.map((p) => p.slug)))).map((r) => [r.slug, r.hash]),
  );
  let pending: Statement[] = [];
  let pendingSlugs: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!pending.length) return;
    const [stmts, slugs] = [pending, pendingSlugs];
    pending = [];
    pendingSlugs = [];
    bytes = 0;
    try {
      await db.batch(stmts);
    } catch (err) {
      for (const s of slugs) outcome.delete(s);
      if (!onBatchError) throw err;
      onBatchError(slugs, err);
    }
  };
  for (const post of posts) {
    const old = stored.get(post.slug);
    if (old === post.hash) {
      outcome.set(post.slug, "unchanged");
      continue;
    }
    const stmts = writePost(post, now);
    const size = stmts.reduce((n, s) => n + statementBytes(s), 0);
    if (pending.length && (bytes + size > BATCH_BYTES || pending.length + stmts.length > BATCH_STATEMENTS)) await flush();
    pending.push(...stmts);
    pendingSlugs.push(post.slug);
    bytes += size;
    outcome.set(post.slug, old === undefined ? "inserted" : "updated");
  }
  await flush();
  return outcome;
}
