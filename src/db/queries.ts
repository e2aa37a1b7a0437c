/**
 * @module db/queries
 * Every query the Worker runs, by name, as bound SQL: test/worker/query-plans.test.ts
 * checks that each plan walks an index and never scans posts. Visibility is
 * `published = 1 AND published_at <= now`, decided here at request time.
 */
import { MAX_TAGS } from "./changes";

const SUMMARY_COLS =
  "p.id, p.slug, p.title, p.path, p.published_at, p.updated_at, p.summary, p.categories, p.tags, p.first_image";
const FULL_COLS = `${SUMMARY_COLS}, p.info_code, p.body_html, p.source_url, p.back_link, p.hash, p.published, p.created_at`;

/** Keyset bound: strictly older than the cursor (publishedAt ?T, id ?I); no cursor = (now + 1, 0). */
const older = (t: string, id: string, time: string, idCol: string) => `(${time} < ${t} OR (${time} = ${t} AND ${idCol} < ${id}))`;

const latestSql = (cols: string) =>
  `SELECT ${cols} FROM posts AS p INDEXED BY posts_published_time
   WHERE p.published = 1 AND p.published_at <= ?1 AND ${older("?2", "?3", "p.published_at", "p.id")}
   ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`;

const termSql = (cols: string) =>
  `SELECT ${cols} FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
   WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3 AND ${older("?4", "?5", "t.published_at", "t.post_id")}
   ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?6`;

/** The first of the two kinds a name may be (a category before a raw `categories:` string). */
const kindOf = (key: string, k1: string, k2: string) =>
  `(SELECT kind FROM (SELECT kind FROM terms WHERE kind = ${k1} AND key = ${key}
     UNION ALL SELECT kind FROM terms WHERE kind = ${k2} AND key = ${key}) LIMIT 1)`;

/** What a page's validator needs of its items: count, newest change, and each item's key in order. */
const pageAggregate =
  "count(*) AS n, max(updated_at) AS u, max(published_at) AS pub, group_concat(published_at || '.' || id) AS keys";

/**
 * A page's size: every item published after `since` (the feed window), at least `min`, at most
 * `max`; for a fixed size, min = max and since in the future. `count` counts the window.
 */
const pageLimit = (min: string, max: string, count: string) => `LIMIT max(${min}, min(${max}, ${count}))`;

/** The visible posts of a term between the window's start and the cursor (an index range count). */
const termWindowCount = (kind: string, key: string, now: string, since: string, t: string, id: string) =>
  `(SELECT count(*) FROM post_terms AS w WHERE w.kind = ${kind} AND w.key = ${key} AND w.published_at > ${since}
     AND w.published_at <= ${now} AND ${older(t, id, "w.published_at", "w.post_id")})`;

/** A feed row's columns; SQLite also counts the fragment's UTF-8 bytes, so the Worker never has to. */
const feedCols = (fragment: string) =>
  `p.id, p.slug, p.title, p.path, p.published_at, p.updated_at, p.created_at, p.summary, p.categories, p.tags,
   p.first_image, p.feed_key, ${fragment} AS fragment, length(CAST(${fragment} AS BLOB)) AS fragment_bytes`;

/**
 * The items of a site feed page: `?1` now, `?2`/`?3` cursor, `?4` count, `?5`/`?6` the key of the
 * last item that carries its body (items from there on up have theirs, older ones none).
 */
const siteFeedSql = (fragment: string) =>
  `SELECT ${feedCols(fragment)},
     CASE WHEN ${older("p.published_at", "p.id", "?5", "?6")} OR (p.published_at = ?5 AND p.id = ?6) THEN p.body_html END AS body_html
   FROM posts AS p INDEXED BY posts_published_time
   WHERE p.published = 1 AND p.published_at <= ?1 AND ${older("?2", "?3", "p.published_at", "p.id")}
   ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`;

/** The items of a term feed page: `?1` kind, `?2` key, then as siteFeedSql shifted by two. */
const termFeedSql = (fragment: string) =>
  `SELECT ${feedCols(fragment)},
     CASE WHEN ${older("p.published_at", "p.id", "?7", "?8")} OR (p.published_at = ?7 AND p.id = ?8) THEN p.body_html END AS body_html
   FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
   WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3 AND ${older("?4", "?5", "t.published_at", "t.post_id")}
   ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?6`;

/**
 * A search's matches, newest first: `?1` the FTS5 expression, `?2` now, `?3` the search key to
 * stay below (a cursor's, or the first key after now's second), `?4` a category key the post must
 * be in, or NULL. The index holds published posts only; `published_at <= now` leaves out the
 * scheduled ones.
 */
const searchFrom = `FROM post_search AS s JOIN posts AS p INDEXED BY posts_search_key ON p.search_key = s.rowid
   WHERE s.post_search MATCH ?1 AND s.rowid < ?3 AND p.published = 1 AND p.published_at <= ?2
     AND (?4 IS NULL OR EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind IN ('c', 'r') AND pt.key = ?4
       AND pt.published_at = p.published_at AND pt.post_id = p.id))
   ORDER BY s.rowid DESC`;

/** A search feed's items: searchFrom, `?5` count, `?6` the key of the last item that carries its body. */
const searchFeedSql = (fragment: string) =>
  `SELECT ${feedCols(fragment)}, p.search_key, CASE WHEN s.rowid >= ?6 THEN p.body_html END AS body_html
   ${searchFrom} LIMIT ?5`;

const TAG_PARAMS = Array.from({ length: MAX_TAGS }, (_, i) => `?${i + 1}`).join(", ");

export const QUERIES = {
  latest: latestSql(SUMMARY_COLS),
  inTerm: termSql(SUMMARY_COLS),
  /**
   * A page of the whole site, for its validator: `?1` now, `?2`/`?3` cursor, `?4` min, `?5` max,
   * `?6` the window's start (see pageLimit).
   */
  sitePage: `SELECT ${pageAggregate} FROM (
     SELECT p.id, p.published_at, p.updated_at FROM posts AS p INDEXED BY posts_published_time
     WHERE p.published = 1 AND p.published_at <= ?1 AND ${older("?2", "?3", "p.published_at", "p.id")}
     ORDER BY p.published_at DESC, p.id DESC
     ${pageLimit(
       "?4",
       "?5",
       `(SELECT count(*) FROM posts AS w INDEXED BY posts_published_time WHERE w.published = 1 AND w.published_at > ?6
          AND w.published_at <= ?1 AND ${older("?2", "?3", "w.published_at", "w.id")})`,
     )})`,
  /**
   * The term a list or feed names and a page of it, for its validator, in one statement:
   * `?1` key, `?2`/`?3` kinds in order of preference, `?4` now, `?5`/`?6` cursor, `?7` min,
   * `?8` max, `?9` the window's start (see pageLimit).
   * `term` is a JSON array [kind, key, name, label], NULL when no such term exists.
   */
  termPage: `SELECT ${pageAggregate},
     (SELECT json_array(kind, key, name, label) FROM (
        SELECT kind, key, name, label FROM terms WHERE kind = ?2 AND key = ?1
        UNION ALL SELECT kind, key, name, label FROM terms WHERE kind = ?3 AND key = ?1) LIMIT 1) AS term
   FROM (
     SELECT p.id, p.published_at, p.updated_at FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
     WHERE t.kind = ${kindOf("?1", "?2", "?3")} AND t.key = ?1 AND t.published_at <= ?4
       AND ${older("?5", "?6", "t.published_at", "t.post_id")}
     ORDER BY t.published_at DESC, t.post_id DESC
     ${pageLimit("?7", "?8", termWindowCount(kindOf("?1", "?2", "?3"), "?1", "?4", "?9", "?5", "?6"))})`,
  siteFeedAtom: siteFeedSql("p.feed_atom"),
  siteFeedRss: siteFeedSql("p.feed_rss"),
  siteFeedJson: siteFeedSql("p.feed_json"),
  termFeedAtom: termFeedSql("p.feed_atom"),
  termFeedRss: termFeedSql("p.feed_rss"),
  termFeedJson: termFeedSql("p.feed_json"),
  /** A page of search results: searchFrom, `?5` count. */
  search: `SELECT ${SUMMARY_COLS}, p.search_key ${searchFrom} LIMIT ?5`,
  /**
   * The newest `?5` matches of a search (searchFrom), ids and times only, for a page's validator and
   * a feed's window (db/reads searchPageVersion cuts it). Not a count of the window in SQL, as lists
   * do: FTS5 walks a phrase's whole doclist for a count, however narrow its rowid range, but stops
   * a descending walk at its LIMIT.
   */
  searchPage: `SELECT p.published_at, p.updated_at, p.search_key ${searchFrom} LIMIT ?5`,
  searchFeedAtom: searchFeedSql("p.feed_atom"),
  searchFeedRss: searchFeedSql("p.feed_rss"),
  searchFeedJson: searchFeedSql("p.feed_json"),
  bySlug: `SELECT ${FULL_COLS} FROM posts AS p WHERE p.slug = ?1`,
  /** The stored file and path of a slug, hidden or not (the ingest API's take-down). */
  fileOfSlug: "SELECT p.file, p.path FROM posts AS p WHERE p.slug = ?1",
  /** Stored hashes of a JSON array of slugs, from the covering index (the seed's manifest check, locally and over the API). */
  hashesOf: "SELECT p.slug, p.hash FROM json_each(?1) AS j CROSS JOIN posts AS p INDEXED BY posts_slug_hash ON p.slug = j.value",
  byPath: `SELECT ${FULL_COLS} FROM posts AS p WHERE p.path = ?1 LIMIT 1`,
  // A code normally names one post; when it repeats, the caller prefers a visible one, then the newest.
  byInfoCode: `SELECT p.slug, p.path, (p.published = 1 AND p.published_at <= ?2) AS visible FROM posts AS p INDEXED BY posts_info_code
     WHERE p.info_code = ?1 ORDER BY p.published_at DESC LIMIT 8`,
  /** A category or raw string (`?2`, then `?3`) named `?1` that has a visible post at `?4`. */
  liveTerm: `SELECT kind, key, name, label FROM (
     SELECT t.kind, t.key, t.name, t.label FROM terms AS t WHERE t.kind = ?2 AND t.key = ?1
       AND EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind = t.kind AND pt.key = t.key AND pt.published_at <= ?4)
     UNION ALL
     SELECT t.kind, t.key, t.name, t.label FROM terms AS t WHERE t.kind = ?3 AND t.key = ?1
       AND EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind = t.kind AND pt.key = t.key AND pt.published_at <= ?4))
   LIMIT 1`,
  // Only terms with at least one visible post (a category whose posts are all scheduled is not listed yet).
  terms: `SELECT t.kind, t.key, t.name, t.label FROM terms AS t WHERE t.kind = ?1
     AND EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind = t.kind AND pt.key = t.key AND pt.published_at <= ?2)
     ORDER BY t.key`,
  /** Visible posts per UTC day (epoch ms / 86,400,000) up to `?1`: the sitemap index, one covering-index scan. */
  sitemapDays: `SELECT published_at / 86400000 AS day, count(*) AS n FROM posts INDEXED BY posts_published_time
     WHERE published = 1 AND published_at <= ?1 GROUP BY published_at / 86400000`,
  /** Visible posts in [`?1`, `?2`) up to `?3`, oldest first, from the `?5`th: one sitemap's part of a day. */
  sitemapPage: `SELECT path, updated_at FROM posts INDEXED BY posts_published_time
     WHERE published = 1 AND published_at >= ?1 AND published_at < ?2 AND published_at <= ?3
     ORDER BY published_at ASC, id ASC LIMIT ?4 OFFSET ?5`,
  /** How many visible posts [`?1`, `?2`) holds up to `?3` (a day that spans two databases). */
  countBetween: `SELECT count(*) AS n FROM posts INDEXED BY posts_published_time
     WHERE published = 1 AND published_at >= ?1 AND published_at < ?2 AND published_at <= ?3`,
  /**
   * Whether any of up to MAX_TAGS tags (`?1`…, unused ones NULL) changed at or after `?9` (epoch ms),
   * here or, copied into `edge_changes`, in another database of the archive.
   */
  changedSince: `SELECT 1 AS changed FROM cache_changes INDEXED BY cache_changes_tag
     WHERE tag IN (${TAG_PARAMS}) AND at >= ?${MAX_TAGS + 1}
     UNION ALL SELECT 1 FROM edge_changes WHERE tag IN (${TAG_PARAMS}) AND at >= ?${MAX_TAGS + 1} LIMIT 1`,
  /** The terms named by `?1`, a JSON array of [kind, key] (the feeds a list of cache tags stands for). */
  termsByKey: `SELECT t.kind, t.key, t.name, t.label FROM json_each(?1) AS j
     CROSS JOIN terms AS t ON t.kind = json_extract(j.value, '$[0]') AND t.key = json_extract(j.value, '$[1]')`,
  /** Published posts older than the cursor `?1`/`?2`, newest first, with their stored feed key (the entry backfill). */
  entriesPage: `SELECT ${feedCols("NULL")} FROM posts AS p INDEXED BY posts_published_time
     WHERE p.published = 1 AND ${older("?1", "?2", "p.published_at", "p.id")}
     ORDER BY p.published_at DESC, p.id DESC LIMIT ?3`,
  /** The newest change's sequence number. */
  changeHead: "SELECT max(seq) AS seq FROM cache_changes",
  /** Changes after a sequence number, oldest first (the purger's queue). */
  changesAfter: "SELECT seq, tag, at FROM cache_changes WHERE seq > ?1 AND at > 0 ORDER BY seq LIMIT ?2",
} as const;
