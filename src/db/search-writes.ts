/**
 * @module db/search-writes
 * The search index's side of every write (migration 0008): a published
 * post's tokens go in under its search key in the same batch as its row, and
 * come out before the row changes or goes, so the index never holds a post
 * that is hidden, edited since, or taken down. Also the rebuild, for a
 * database whose index is missing or was made by other tokenizing code (a
 * restore, the migration on a database that already had posts).
 */
import { categoryToken, searchDocument } from "../content/search-text";
import type { PostRecord } from "../content/types";
import { searchKey } from "./queries";
import type { SqlValue, Statement } from "./statements";

/**
 * Bump when content/search-text tokenizes differently: a database whose index was built by other
 * code is rebuilt by the next seed run (db/sync `prune`'s caller, scripts/seed.ts).
 */
export const SEARCH_VERSION = 1;
/** The `state` row naming the SEARCH_VERSION a database's index was built with. */
export const SEARCH_STATE = "search_version";

/** The index's two columns for a post: its tokens, and its categories' tokens (`category=`). */
export function searchColumns(
  post: Pick<PostRecord, "title" | "bodyHtml"> & { search?: string },
  categoryKeys: string[],
): [string, string] {
  return [post.search ?? searchDocument(post.title, post.bodyHtml), [...new Set(categoryKeys)].map(categoryToken).join(" ")];
}

const KEY = searchKey("p");

/** `?1`: JSON array of slugs; their entries leave the index (a missing one is no error). */
export const UNINDEX_JSON = `DELETE FROM post_search WHERE rowid IN (SELECT ${KEY} FROM posts AS p WHERE p.slug IN (SELECT value FROM json_each(?1)))`;
export const UNINDEX_ROW = `DELETE FROM post_search WHERE rowid = (SELECT ${KEY} FROM posts AS p WHERE p.slug = ?1)`;

/** `?1`: JSON array of [slug, body, cats]; only published rows go in. */
export const INDEX_JSON =
  `INSERT INTO post_search (rowid, body, cats) SELECT ${KEY}, json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') ` +
  "FROM json_each(?1) AS j JOIN posts AS p ON p.slug = json_extract(j.value, '$[0]') WHERE p.published = 1";

/** `?1` slug, `?2` body, `?3` cats. */
export const INDEX_ROW = `INSERT INTO post_search (rowid, body, cats) SELECT ${KEY}, ?2, ?3 FROM posts AS p WHERE p.slug = ?1 AND p.published = 1`;

export const indexRow = (slug: string, cols: [string, string]): Statement => ({
  sql: INDEX_ROW,
  params: [slug, ...cols] as SqlValue[],
});

/** Empties the index (the first step of a rebuild). */
export const CLEAR_INDEX: Statement = { sql: "INSERT INTO post_search (post_search) VALUES ('delete-all')", params: [] };

/** A page of published posts by id, as the rebuild reads them. */
export function rebuildPage(afterId: number, limit: number): Statement {
  return {
    sql: "SELECT id, title, body_html, categories, categories_raw, tags FROM posts WHERE published = 1 AND id > ?1 ORDER BY id LIMIT ?2",
    params: [afterId, limit],
  };
}

/** `?1` id, `?2` body, `?3` cats: one post put back by the rebuild. */
export const INDEX_BY_ID = `INSERT INTO post_search (rowid, body, cats) SELECT ${KEY}, ?2, ?3 FROM posts AS p WHERE p.id = ?1`;

/** Which SEARCH_VERSION built this database's index (null: none, or made before migration 0008). */
export const SEARCH_STATE_READ: Statement = { sql: `SELECT value FROM state WHERE name = '${SEARCH_STATE}'`, params: [] };
