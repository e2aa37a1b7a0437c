/**
 * @module db/search-writes
 * The search index's side of every write (migration 0008): a published
 * post's tokens go in under its search key in the same batch as its row, and
 * come out before the row changes or goes, so the index never holds a post
 * that is hidden, edited since, or taken down.
 *
 * A search key is the post's second of publication × KEY_SLOTS plus its
 * place among the posts of that second (`posts.search_key`, unique). Keys
 * grow with publication time, so FTS5 walks a match newest first and stops at
 * a page; and they lie close together, which FTS5 rewards: it stores each
 * key as the difference from the one before, and a sparser key (the second ×
 * 2^30 + the post's id, the first design) made the index a third larger.
 */
import { categoryToken, searchDocument } from "../content/search-text";
import type { PostRecord } from "../content/types";
import type { SqlValue, Statement } from "./statements";

/**
 * Posts one second can hold in one database; one more is refused (searchKeyFull explains it).
 * Few slots keep keys close: a key's difference from the one before takes a byte less, and the
 * index 6 % less room, at 256 than at 8,192 (docs/architecture.md, "Search").
 */
export const KEY_SLOTS = 256;

/** The reason a write fails when its second has no search key left, or null for another error. */
export function searchKeyFull(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  return /UNIQUE constraint failed: posts\.search_key/.test(message)
    ? `more than ${KEY_SLOTS} posts in this database are dated the same second, and the search index keys posts by their second; give this post another second`
    : null;
}

/**
 * Bump when content/search-text tokenizes differently: a database whose index was built by other
 * code is rebuilt by the next seed run (db/search-rebuild, scripts/seed.ts).
 */
export const SEARCH_VERSION = 1;
/** The `state` row naming the SEARCH_VERSION a database's index was built with. */
export const SEARCH_STATE = "search_version";

/** The first key of the second `publishedAt` (epoch ms) falls in; SQL's integer division, truncating. */
export const keyBase = (publishedAt: number): number => Math.trunc(publishedAt / 1000) * KEY_SLOTS;

/** The index's two columns for a post: its tokens, and its categories' tokens (`category=`). */
export function searchColumns(
  post: Pick<PostRecord, "title" | "bodyHtml"> & { search?: string },
  categoryKeys: string[],
): [string, string] {
  return [post.search ?? searchDocument(post.title, post.bodyHtml), [...new Set(categoryKeys)].map(categoryToken).join(" ")];
}

const SLUGS = "SELECT value FROM json_each(?1)";

/** `?1`: JSON array of slugs; their entries leave the index (a hidden post has none: nothing happens). */
export const UNINDEX_JSON = `DELETE FROM post_search WHERE rowid IN (SELECT p.search_key FROM posts AS p WHERE p.slug IN (${SLUGS}))`;
export const UNINDEX_ROW = "DELETE FROM post_search WHERE rowid = (SELECT p.search_key FROM posts AS p WHERE p.slug = ?1)";

const base = (p: string) => `(${p}.published_at / 1000) * ${KEY_SLOTS}`;

/**
 * `?1`: JSON array of slugs just written. A key stays while its post is published in the same
 * second (an edit must not use up its second's keys); a hidden post's, or one whose second
 * changed, is dropped; then each published post without one takes the next free key of its second
 * (after the second's highest; in id order within the batch). As KEEP_SEARCH_KEY does row by row.
 */
const KEY_SQL = [
  `UPDATE posts SET search_key = NULL WHERE slug IN (${SLUGS}) AND search_key IS NOT NULL
     AND (published = 0 OR search_key / ${KEY_SLOTS} <> published_at / 1000)`,
  `UPDATE posts SET search_key = k.key FROM (
     SELECT p.id AS id, min(${base("p")} + ${KEY_SLOTS - 1},
       coalesce((SELECT max(q.search_key) FROM posts AS q WHERE q.search_key >= ${base("p")} AND q.search_key < ${base("p")} + ${KEY_SLOTS}),
                ${base("p")} - 1)
       + row_number() OVER (PARTITION BY p.published_at / 1000 ORDER BY p.id)) AS key
     FROM posts AS p WHERE p.slug IN (${SLUGS}) AND p.published = 1 AND p.search_key IS NULL) AS k
   WHERE posts.id = k.id`,
];

/**
 * The key a post written now takes, in SQL over its bound `published_at` and `published`: the next
 * free one of its second (NULL when hidden). In a row's own INSERT (db/statements writePostRows).
 */
export function newSearchKey(publishedAt: string, published: string): string {
  const b = `((CAST(${publishedAt} AS INTEGER) / 1000) * ${KEY_SLOTS})`;
  return `CASE WHEN ${published} = 1 THEN (SELECT min(${b} + ${KEY_SLOTS - 1}, coalesce(max(q.search_key) + 1, ${b}))
    FROM posts AS q WHERE q.search_key >= ${b} AND q.search_key < ${b} + ${KEY_SLOTS}) END`;
}

/** The ON CONFLICT assignment that goes with newSearchKey: an edit in the same second keeps its key. */
export const KEEP_SEARCH_KEY = `search_key = CASE WHEN excluded.published = 0 THEN NULL
  WHEN posts.search_key / ${KEY_SLOTS} = excluded.published_at / 1000 THEN posts.search_key ELSE excluded.search_key END`;

/** The key statements for `slugs` (a JSON array text of slugs). */
export const keyPosts = (slugs: string): Statement[] => KEY_SQL.map((sql) => ({ sql, params: [slugs] }));

/** `?1`: JSON array of [slug, body, cats]; only published rows (those with a key) go in. */
export const INDEX_JSON =
  "INSERT INTO post_search (rowid, body, cats) SELECT p.search_key, json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') " +
  "FROM json_each(?1) AS j JOIN posts AS p ON p.slug = json_extract(j.value, '$[0]') WHERE p.search_key IS NOT NULL " +
  // FTS5 buffers a transaction's entries while their keys ascend; a smaller key flushes them to disk.
  "ORDER BY p.search_key";

/**
 * `?1` slug, `?2` body, `?3` cats: for a published post, whose key its row was just given (its
 * own insert, newSearchKey; or KEY_SQL for an oversized row of the network path). VALUES, not
 * INSERT … SELECT: FTS5 takes rows from a SELECT at 2.4× the cost.
 */
export const INDEX_ROW =
  "INSERT INTO post_search (rowid, body, cats) VALUES ((SELECT p.search_key FROM posts AS p WHERE p.slug = ?1), ?2, ?3)";

export const indexRow = (slug: string, cols: [string, string]): Statement => ({
  sql: INDEX_ROW,
  params: [slug, ...cols] as SqlValue[],
});

/** Which SEARCH_VERSION built this database's index (none: never built, or made before migration 0008). */
export const SEARCH_STATE_READ: Statement = { sql: `SELECT value FROM state WHERE name = '${SEARCH_STATE}'`, params: [] };
