/**
 * @module db/statements
 * Plain bound SQL for the write path, as data ({sql, params}), so one writer
 * can drive any executor (local D1, remote D1) and tests can inspect it.
 * For D1 over the network (writePosts) rows travel as one JSON text per
 * statement (read back with json_each), so a batch of hundreds of posts is a
 * handful of statements: each statement costs a round trip, and D1 allows
 * only 100 bound parameters. For a database in the same process
 * (writePostRows) each row is its own plain statement. Either way a batch
 * also records the cache tags it changes (src/db/changes.ts).
 */
import { utf8Length } from "../content/text";
import { termKey } from "../content/permalink";
import type { PostRecord } from "../content/types";
import { recordOldTags, recordTags, SITE_TAG, STAMP_CHANGES, termTag } from "./changes";
import { QUERIES } from "./queries";
import {
  INDEX_JSON,
  indexRow,
  KEEP_SEARCH_KEY,
  keyPosts,
  newSearchKey,
  searchColumns,
  UNINDEX_JSON,
  UNINDEX_ROW,
} from "./search-writes";

export type SqlValue = string | number | null;
export interface Statement {
  sql: string;
  params: SqlValue[];
}

/** D1: at most 100 bound parameters per statement. */
export const MAX_PARAMS = 100;
/** D1: at most 100 KB of SQL text per statement. */
export const MAX_SQL_BYTES = 100_000;
/** D1 caps a string value at 2,000,000 bytes; JSON row sets stay at half that. */
export const MAX_JSON_PARAM_BYTES = 1_000_000;

const POST_COLUMNS = [
  "slug",
  "info_code",
  "title",
  "published_at",
  "local_date",
  "path",
  "categories",
  "categories_raw",
  "tags",
  "body_html",
  "summary",
  "first_image",
  "source_url",
  "share_url",
  "back_link",
  "published",
  "permalink",
  "hash",
  "created_at",
  "updated_at",
  "feed_key",
  "feed_atom",
  "feed_rss",
  "feed_json",
  "file",
] as const;

/** A post as the write path stores it: the parsed record, its feed entries when rendered, its file's name. */
export interface StoredPost extends PostRecord {
  feed?: { key: string; atom: string; rss: string; json: string } | null;
  /** Its search tokens (content/search-text searchDocument), when the parse threads made them. */
  search?: string;
  /** Base name of the source file; a stored post keeps the one it has when this is absent. */
  file?: string | null;
}

const UPDATABLE = POST_COLUMNS.filter((c) => c !== "slug" && c !== "created_at");
const ON_CONFLICT = `ON CONFLICT(slug) DO UPDATE SET ${UPDATABLE.map((c) =>
  c === "file" ? "file = coalesce(excluded.file, posts.file)" : `${c} = excluded.${c}`,
).join(", ")}`;

/** `?1` is a JSON array of post rows in POST_COLUMNS order. `WHERE true` is SQLite's upsert-after-SELECT rule. */
const UPSERT_POSTS_JSON =
  `INSERT INTO posts (${POST_COLUMNS.join(", ")}) ` +
  `SELECT ${POST_COLUMNS.map((_, i) => `json_extract(j.value, '$[${i}]')`).join(", ")} FROM json_each(?1) AS j WHERE true ` +
  ON_CONFLICT;

const UPSERT_POST_ROW = `INSERT INTO posts (${POST_COLUMNS.join(", ")}) VALUES (${POST_COLUMNS.map(() => "?").join(", ")}) ${ON_CONFLICT}`;

/**
 * UPSERT_POST_ROW that also gives the post its search key in the same row write (one statement at a
 * time, so each sees the keys before it): rewriting a row to set the key afterwards rewrote its body
 * too, a sixth of the seed's database time.
 */
const UPSERT_POST_ROW_KEYED = `INSERT INTO posts (${POST_COLUMNS.join(", ")}, search_key) VALUES (${POST_COLUMNS.map((_, i) => `?${i + 1}`).join(", ")}, ${newSearchKey(
  `?${POST_COLUMNS.indexOf("published_at") + 1}`,
  `?${POST_COLUMNS.indexOf("published") + 1}`,
)}) ${ON_CONFLICT}, ${KEEP_SEARCH_KEY}`;

const DELETE_POST_TERMS =
  "DELETE FROM post_terms WHERE post_id IN (SELECT p.id FROM posts AS p WHERE p.slug IN (SELECT value FROM json_each(?1)))";

const DELETE_POST_TERMS_ROW = "DELETE FROM post_terms WHERE post_id = (SELECT p.id FROM posts AS p WHERE p.slug = ?1)";

/** `?1`: JSON array of [kind, key, slug]. */
const INSERT_POST_TERMS =
  "INSERT OR IGNORE INTO post_terms (kind, key, published_at, post_id) " +
  "SELECT json_extract(t.value, '$[0]'), json_extract(t.value, '$[1]'), p.published_at, p.id " +
  "FROM json_each(?1) AS t JOIN posts AS p ON p.slug = json_extract(t.value, '$[2]')";

/** `?1`: JSON array of [kind, key, name, label]. A fallback label (the name itself) is upgraded when a real one turns up. */
const UPSERT_TERMS =
  "INSERT INTO terms (kind, key, name, label) " +
  "SELECT json_extract(t.value, '$[0]'), json_extract(t.value, '$[1]'), json_extract(t.value, '$[2]'), json_extract(t.value, '$[3]') " +
  "FROM json_each(?1) AS t WHERE true " +
  "ON CONFLICT(kind, key) DO UPDATE SET label = excluded.label WHERE terms.label = terms.name AND excluded.label <> excluded.name";

// The same two writes for a single oversized name (hundreds of KB: hostile, but within D1's row limit).
const INSERT_POST_TERM_ROW =
  "INSERT OR IGNORE INTO post_terms (kind, key, published_at, post_id) SELECT ?1, ?2, p.published_at, p.id FROM posts AS p WHERE p.slug = ?3";
const UPSERT_TERM_ROW =
  "INSERT INTO terms (kind, key, name, label) VALUES (?1, ?2, ?3, ?4) " +
  "ON CONFLICT(kind, key) DO UPDATE SET label = excluded.label WHERE terms.label = terms.name AND excluded.label <> excluded.name";

/** Terms no post refers to any more (a post changed category, or became unpublished). */
export const PRUNE_TERMS: Statement = {
  sql: "DELETE FROM terms WHERE NOT EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind = terms.kind AND pt.key = terms.key)",
  params: [],
};

/** Stored hashes and feed keys of the given slugs (any number: one JSON parameter). */
export function selectHashes(slugs: string[]): Statement {
  return {
    sql: "SELECT slug, hash, feed_key, created_at, updated_at, file FROM posts WHERE slug IN (SELECT value FROM json_each(?1))",
    params: [JSON.stringify(slugs)],
  };
}

/** Sets a named number of the `state` table (db/state). */
export function stateWrite(name: string, value: number): Statement {
  return {
    sql: "INSERT INTO state (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    params: [name, value],
  };
}

/** The change-log head at the last prune of unused terms (db/sync `prune`). */
export const TERMS_PRUNED = "terms_pruned_seq";

/**
 * What a tool that remembers its writes needs to know nobody else wrote since: this database's
 * random epoch (migration 0005) and its change log's newest sequence number, as one text.
 */
export const TARGET_STATE: Statement = {
  sql: "SELECT (SELECT value FROM state WHERE name = 'epoch') || ':' || coalesce((SELECT max(seq) FROM cache_changes), 0) AS state",
  params: [],
};

/** Only the stored hashes of the given slugs, from the index alone (the seed's manifest check; the API's too). */
export function selectStoredHashes(slugs: string[]): Statement {
  return { sql: QUERIES.hashesOf, params: [JSON.stringify(slugs)] };
}

/** Records the file of a stored post that has none yet (stored before files were recorded). */
export function recordFile(slug: string, file: string): Statement {
  return { sql: "UPDATE posts SET file = ?2 WHERE slug = ?1 AND file IS NULL", params: [slug, file] };
}

/** recordFile for many posts in few statements (D1 counts statements): `[slug, file]` pairs as JSON. */
export function recordFiles(pairs: [string, string][]): Statement[] {
  return packJson(pairs, MAX_JSON_PARAM_BYTES).packs.map((json) => ({
    sql:
      "UPDATE posts SET file = json_extract(j.value, '$[1]') FROM json_each(?1) AS j " +
      "WHERE posts.slug = json_extract(j.value, '$[0]') AND posts.file IS NULL",
    params: [json],
  }));
}

/** updateFeedEntries for many posts in few statements: `[slug, key, atom, rss, json]` rows as JSON. */
export function updateFeedEntriesPacked(posts: StoredPost[]): Statement[] {
  const rows = posts.map((p) => [p.slug, p.feed?.key ?? null, p.feed?.atom ?? null, p.feed?.rss ?? null, p.feed?.json ?? null]);
  const { packs, oversized } = packJson(rows, MAX_JSON_PARAM_BYTES);
  return [
    ...packs.map((json) => ({
      sql:
        "UPDATE posts SET feed_key = json_extract(j.value, '$[1]'), feed_atom = json_extract(j.value, '$[2]'), " +
        "feed_rss = json_extract(j.value, '$[3]'), feed_json = json_extract(j.value, '$[4]') " +
        "FROM json_each(?1) AS j WHERE posts.slug = json_extract(j.value, '$[0]')",
      params: [json],
    })),
    ...oversized.map((i) => updateFeedEntries(posts[i] as StoredPost)),
  ];
}

/** Replaces only the feed entries of a stored post whose content is unchanged (new site config or entry code). */
export function updateFeedEntries(post: StoredPost): Statement {
  const f = post.feed;
  return {
    sql: "UPDATE posts SET feed_key = ?1, feed_atom = ?2, feed_rss = ?3, feed_json = ?4 WHERE slug = ?5",
    params: [f?.key ?? null, f?.atom ?? null, f?.rss ?? null, f?.json ?? null, post.slug],
  };
}

/** A category ('c'), a raw `categories:` string of several ('r'), or a tag ('t'). */
export type TermKind = "c" | "r" | "t";

export interface TermRow {
  kind: TermKind;
  key: string;
  name: string;
  label: string;
}

/** The category, raw-categories and tag rows a published post belongs to. */
export function termsOf(post: Pick<PostRecord, "categories" | "categoriesRaw" | "tags">): TermRow[] {
  const rows = new Map<string, TermRow>();
  const label = post.tags[0] ?? null;
  const add = (kind: TermRow["kind"], name: string, lbl: string) => {
    const key = termKey(name);
    if (key && !rows.has(`${kind}\u0000${key}`)) rows.set(`${kind}\u0000${key}`, { kind, key, name, label: lbl });
  };
  for (const c of post.categories) add("c", c, label ?? c);
  if (post.categories.length > 1 || (post.categoriesRaw && post.categoriesRaw !== post.categories[0])) {
    add("r", post.categoriesRaw, label ?? post.categoriesRaw);
  }
  for (const t of post.tags) add("t", t, t);
  return [...rows.values()];
}

/** The lookup keys of the categories and raw `categories:` string among a post's terms: what `category=` narrows by. */
export const categoryKeys = (rows: TermRow[]): string[] => rows.filter((t) => t.kind !== "t").map((t) => t.key);

function postRow(post: StoredPost, now: number): SqlValue[] {
  return [
    post.slug,
    post.infoCode,
    post.title,
    post.publishedAt,
    post.localDate,
    post.path,
    JSON.stringify(post.categories),
    post.categoriesRaw,
    JSON.stringify(post.tags),
    post.bodyHtml,
    post.summary,
    post.firstImage,
    post.sourceUrl,
    post.shareUrl,
    post.backLink,
    post.published ? 1 : 0,
    post.permalink,
    post.hash,
    now,
    now,
    post.feed?.key ?? null,
    post.feed?.atom ?? null,
    post.feed?.rss ?? null,
    post.feed?.json ?? null,
    post.file ?? null,
  ];
}

/** Splits JSON-encodable rows into JSON array texts of at most `limit` UTF-8 bytes; a row that alone exceeds it is returned apart. */
export function packJson(rows: unknown[], limit = MAX_JSON_PARAM_BYTES): { packs: string[]; oversized: number[] } {
  const packs: string[] = [];
  const oversized: number[] = [];
  let current: string[] = [];
  let bytes = 2;
  rows.forEach((row, i) => {
    const text = JSON.stringify(row);
    const size = utf8Length(text) + 1;
    if (size + 2 > limit) {
      oversized.push(i);
      return;
    }
    if (current.length && bytes + size > limit) {
      packs.push(`[${current.join(",")}]`);
      current = [];
      bytes = 2;
    }
    current.push(text);
    bytes += size;
  });
  if (current.length) packs.push(`[${current.join(",")}]`);
  return { packs, oversized };
}

/** The cache tags `posts` change once written: the site's lists, and every list each published post is in. */
function newTags(posts: PostRecord[]): string[] {
  const tags = new Set([SITE_TAG]);
  for (const post of posts) if (post.published) for (const t of termsOf(post)) tags.add(termTag(t.kind, t.key));
  return [...tags];
}

/** The change-log statements around a batch: what the posts were (first), what they become (last). */
function changeLog(posts: PostRecord[]): { before: Statement[]; after: Statement[] } {
  return {
    before: packJson(
      posts.map((p) => p.slug),
      MAX_JSON_PARAM_BYTES,
    ).packs.map(recordOldTags),
    after: [...packJson(newTags(posts), MAX_JSON_PARAM_BYTES).packs.map(recordTags), STAMP_CHANGES],
  };
}

/**
 * Statements that make the stored posts equal `posts` (distinct slugs): upsert the rows, then
 * replace their term rows. Run them in one batch: a post is then stored whole or not at all.
 */
export function writePosts(posts: StoredPost[], now: number): Statement[] {
  if (!posts.length) return [];
  const log = changeLog(posts);
  const out: Statement[] = [...log.before];
  const slugPacks = packJson(
    posts.map((p) => p.slug),
    MAX_JSON_PARAM_BYTES,
  ).packs;
  // Out of the search index under the key the stored row has now; back in below under its new one.
  for (const json of slugPacks) out.push({ sql: UNINDEX_JSON, params: [json] });
  const rows = posts.map((p) => postRow(p, now));
  const { packs, oversized } = packJson(rows, MAX_JSON_PARAM_BYTES);
  for (const json of packs) out.push({ sql: UPSERT_POSTS_JSON, params: [json] });
  // A row near D1's 2 MB limit can't ride in a JSON text under it; it goes as plain parameters.
  for (const i of oversized) out.push({ sql: UPSERT_POST_ROW, params: rows[i] as SqlValue[] });
  for (const json of slugPacks) out.push(...keyPosts(json));

  for (const json of slugPacks) out.push({ sql: DELETE_POST_TERMS, params: [json] });
  const links: [string, string, string][] = [];
  const terms: [string, string, string, string][] = [];
  const search: [string, string, string][] = [];
  for (const post of posts) {
    if (!post.published) continue;
    const rows = termsOf(post);
    for (const t of rows) {
      links.push([t.kind, t.key, post.slug]);
      terms.push([t.kind, t.key, t.name, t.label]);
    }
    search.push([post.slug, ...searchColumns(post, categoryKeys(rows))]);
  }
  const searchPacks = packJson(search, MAX_JSON_PARAM_BYTES);
  for (const json of searchPacks.packs) out.push({ sql: INDEX_JSON, params: [json] });
  for (const i of searchPacks.oversized) {
    const [slug, body, cats] = search[i] as [string, string, string];
    out.push(indexRow(slug, [body, cats]));
  }
  const linkPacks = packJson(links, MAX_JSON_PARAM_BYTES);
  for (const json of linkPacks.packs) out.push({ sql: INSERT_POST_TERMS, params: [json] });
  for (const i of linkPacks.oversized) out.push({ sql: INSERT_POST_TERM_ROW, params: links[i] as SqlValue[] });
  const termPacks = packJson(terms, MAX_JSON_PARAM_BYTES);
  for (const json of termPacks.packs) out.push({ sql: UPSERT_TERMS, params: [json] });
  for (const i of termPacks.oversized) out.push({ sql: UPSERT_TERM_ROW, params: terms[i] as SqlValue[] });
  out.push(...log.after);
  return out;
}

/**
 * The same writes as writePosts, one plain statement per row: for an executor in the same process
 * (the local seed's SQLite file), where a statement costs no round trip and packing rows into JSON
 * only to unpack them with json_extract would be most of the work.
 */
export function writePostRows(posts: StoredPost[], now: number): Statement[] {
  if (!posts.length) return [];
  const log = changeLog(posts);
  const out: Statement[] = [...log.before];
  const index: { at: number; stmt: Statement }[] = [];
  for (const post of posts) {
    out.push({ sql: UNINDEX_ROW, params: [post.slug] });
    out.push({ sql: UPSERT_POST_ROW_KEYED, params: postRow(post, now) });
    out.push({ sql: DELETE_POST_TERMS_ROW, params: [post.slug] });
    if (!post.published) continue;
    const rows = termsOf(post);
    for (const t of rows) {
      out.push({ sql: INSERT_POST_TERM_ROW, params: [t.kind, t.key, post.slug] });
      out.push({ sql: UPSERT_TERM_ROW, params: [t.kind, t.key, t.name, t.label] });
    }
    index.push({ at: post.publishedAt, stmt: indexRow(post.slug, searchColumns(post, categoryKeys(rows))) });
  }
  // In key order (time, then the batch's order, as keys are given): FTS5 buffers a transaction's
  // entries while their keys ascend, and writes out what it holds whenever one goes back (2× the time).
  out.push(...index.sort((a, b) => Math.trunc(a.at / 1000) - Math.trunc(b.at / 1000)).map((x) => x.stmt));
  out.push(...log.after);
  return out;
}

/** writePosts for one post (the worker tests seed with it). */
export function writePost(post: StoredPost, now: number): Statement[] {
  return writePosts([post], now);
}

/** Stores the feed entries rendered for a post by id (the Worker's backfill), unless its content changed meanwhile. */
export function storeFeedEntries(
  id: number,
  updatedAt: number,
  f: { key: string; atom: string; rss: string; json: string },
): Statement {
  return {
    sql: "UPDATE posts SET feed_key = ?1, feed_atom = ?2, feed_rss = ?3, feed_json = ?4 WHERE id = ?5 AND updated_at = ?6",
    params: [f.key, f.atom, f.rss, f.json, id, updatedAt],
  };
}

/**
 * Takes a post down: its row and term rows go, and the change log records its page, every list
 * it was in and the site's lists, so caches drop them. Run as one batch.
 */
export function deletePost(slug: string): Statement[] {
  const slugs = JSON.stringify([slug]);
  return [
    recordOldTags(slugs),
    recordTags(JSON.stringify([SITE_TAG])),
    { sql: DELETE_POST_TERMS_ROW, params: [slug] },
    { sql: UNINDEX_ROW, params: [slug] },
    { sql: "DELETE FROM posts WHERE slug = ?1", params: [slug] },
    PRUNE_TERMS,
    STAMP_CHANGES,
  ];
}
