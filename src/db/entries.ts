/**
 * @module db/entries
 * Stores feed entries the Worker rendered (a feed showing posts that had
 * none for this site and code, and the Cron backfill). Each row is written
 * only if the post is unchanged since it was read, so a rendering of an old
 * version never replaces a newer one; a write that fails costs nothing but
 * rendering again next time.
 */
import { type Shard, shardAt } from "./archive";
import type { Db } from "./reads";
import { storeFeedEntries } from "./statements";
import { d1Executor } from "./sync";

export interface RenderedEntries {
  id: number;
  /** The post's updated_at when it was read. */
  updatedAt: number;
  /** Its publication time: which database holds it. */
  publishedAt: number;
  fragments: { key: string; atom: string; rss: string; json: string };
}

/** Rows per batch: each is one statement of a few kilobytes. */
const BATCH = 50;

export async function saveFeedEntries(shards: Shard<Db>[], list: RenderedEntries[]): Promise<void> {
  const byShard = new Map<Shard<Db>, RenderedEntries[]>();
  for (const e of list) {
    const s = shardAt(shards, e.publishedAt);
    byShard.set(s, [...(byShard.get(s) ?? []), e]);
  }
  for (const [s, entries] of byShard) {
    const exec = d1Executor(s.db);
    for (let i = 0; i < entries.length; i += BATCH) {
      await exec.batch(entries.slice(i, i + BATCH).map((e) => storeFeedEntries(e.id, e.updatedAt, e.fragments)));
    }
  }
}
