/**
 * @module db/search-reads
 * What a search reads of one database: a page of matches, a page's version
 * (its validator and a feed's window) and a search feed's items, each one
 * descending walk of the FTS5 index (migration 0008) below a search key.
 * db/repository runs them over the archive, newest database first.
 */
import { categoryToken } from "../content/search-text";
import type { FeedFormat } from "../urls";
import { QUERIES } from "./queries";
import {
  type Cursor,
  type Db,
  type FeedRow,
  type FeedSqlRow,
  type PageQuery,
  type PageVersion,
  type PageWindow,
  type PostSummary,
  type SummaryRow,
  toFeedRow,
  toSummary,
} from "./reads";
import { KEY_SLOTS, keyBase } from "./search-writes";

/** What a search asks: its FTS5 expression over the text (content/search-text parseQuery), and a category key or none. */
export interface SearchSpec {
  match: string;
  category: string | null;
}

/** The expression over both columns: the text, and the category's token when the search names one. */
const searchMatch = (s: SearchSpec) =>
  s.category ? `cats : "${categoryToken(s.category)}" AND body : (${s.match})` : `body : (${s.match})`;

/**
 * The key a search stays below: the cursor's (a search's cursor carries a search key as its id),
 * else the first key after `now`'s second (the rest of that second is left out by time).
 */
const searchBelow = (q: { before?: Cursor | null; now: number }): number => (q.before ? q.before.id : keyBase(q.now) + KEY_SLOTS);

/** A post of a search's results, with the key its cursor carries. */
export type SearchHit = PostSummary & { searchKey: number };
/** A search feed's item, with the key its cursor carries. */
export type SearchFeedRow = FeedRow & { searchKey: number };

/** A page of a search, newest first (the FTS5 index walked in key order, one post lookup per match). */
export async function searchPosts(db: Db, s: SearchSpec, q: PageQuery): Promise<SearchHit[]> {
  const { results } = await db
    .prepare(QUERIES.search)
    .bind(searchMatch(s), q.now, searchBelow(q), s.category, q.limit)
    .all<SummaryRow & { search_key: number }>();
  return results.map((r) => ({ ...toSummary(r), searchKey: r.search_key }));
}

/**
 * The version of a page of a search (window rules as for feeds; its cursors carry search keys): the
 * newest `max` matches, cut to those published after `since` but at least `min`.
 */
export async function searchPageVersion(db: Db, s: SearchSpec, w: PageWindow): Promise<PageVersion> {
  const { results } = await db
    .prepare(QUERIES.searchPage)
    .bind(searchMatch(s), w.now, searchBelow(w), s.category, w.max)
    .all<{ published_at: number; updated_at: number; search_key: number }>();
  const since = w.since ?? w.now + 1;
  let n = results.findIndex((r, i) => i >= w.min && r.published_at <= since);
  if (n < 0) n = results.length;
  const page = results.slice(0, n);
  return {
    count: page.length,
    lastModified: page.reduce((m, r) => Math.max(m, r.updated_at, r.published_at), 0),
    items: `${page.reduce((m, r) => Math.max(m, r.published_at), 0)}:${page.map((r) => `${r.published_at}.${r.search_key}`).join(",")}`,
    cursors: page.map((r) => ({ publishedAt: r.published_at, id: r.search_key })),
  };
}

const SEARCH_FEED_SQL: Record<FeedFormat, string> = {
  atom: QUERIES.searchFeedAtom,
  rss: QUERIES.searchFeedRss,
  json: QUERIES.searchFeedJson,
};

/** A search feed's items, as feedRows reads a list's; `fullUntil` is a search cursor. */
export async function searchFeedRows(
  db: Db,
  format: FeedFormat,
  s: SearchSpec,
  q: PageQuery,
  fullUntil: Cursor | null,
): Promise<SearchFeedRow[]> {
  const { results } = await db
    .prepare(SEARCH_FEED_SQL[format])
    .bind(searchMatch(s), q.now, searchBelow(q), s.category, q.limit, fullUntil ? fullUntil.id : Number.MAX_SAFE_INTEGER)
    .all<FeedSqlRow & { search_key: number }>();
  return results.map((r) => Object.assign(toFeedRow(r), { searchKey: r.search_key }));
}
