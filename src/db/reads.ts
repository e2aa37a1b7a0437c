/**
 * @module db/reads
 * Every read the Worker makes of one database but a search's (db/search-reads): plain functions over a D1
 * binding or session that return plain objects. The SQL is in db/queries.ts,
 * each statement bound and pinned to an index by test/worker/query-plans.test.ts.
 * Routes read the archive through db/repository, which picks the databases.
 */
import { termKey } from "../content/permalink";
import { stringList as list } from "../content/text";
import type { FeedFormat } from "../urls";
import { MAX_TAGS } from "./changes";
import { QUERIES } from "./queries";
import { TARGET_STATE, type TermKind } from "./statements";

export type { TermKind };

/** A D1 database or a D1 read session. */
export type Db = Pick<D1Database, "prepare" | "batch">;

export interface Term {
  kind: TermKind;
  key: string;
  name: string;
  label: string;
}

export interface PostSummary {
  id: number;
  slug: string;
  title: string;
  path: string;
  publishedAt: number;
  updatedAt: number;
  summary: string;
  categories: string[];
  tags: string[];
  firstImage: string | null;
}

export interface Post extends PostSummary {
  infoCode: string | null;
  bodyHtml: string;
  sourceUrl: string | null;
  backLink: string | null;
  hash: string;
  /** When the post was first stored; updatedAt > createdAt means its content changed since. */
  createdAt: number;
  /** false when hidden (unpublished or not yet due); routes 404 on it */
  visible: boolean;
}

/** Keyset cursor: strictly older than (publishedAt, id). */
export interface Cursor {
  publishedAt: number;
  id: number;
}

export interface PageQuery {
  limit: number;
  before?: Cursor | null;
  now: number;
}

/**
 * A page that holds every item published after `since` (epoch ms), at least `min` and at most
 * `max` items: a feed's time window. A fixed-size page is { min: n, max: n } with no `since`.
 */
export interface PageWindow {
  min: number;
  max: number;
  since?: number;
  before?: Cursor | null;
  now: number;
}

/** What a page of posts shows, cheaply: enough to build a validator without reading the posts. */
export interface PageVersion {
  count: number;
  /** Newest change among the page's items (publication or stored update), epoch ms; 0 when empty. */
  lastModified: number;
  /** Newest instant and every item's key, so a new, removed or reordered item changes it. */
  items: string;
  /** The items' keyset cursors, newest first. */
  cursors: Cursor[];
}

export interface SummaryRow {
  id: number;
  slug: string;
  title: string;
  path: string;
  published_at: number;
  updated_at: number;
  summary: string;
  categories: string;
  tags: string;
  first_image: string | null;
}
interface PostRow extends SummaryRow {
  info_code: string | null;
  body_html: string;
  source_url: string | null;
  back_link: string | null;
  hash: string;
  published: number;
  created_at: number;
}
interface PageRow {
  n: number;
  u: number | null;
  pub: number | null;
  keys: string | null;
}

export function toSummary(r: SummaryRow): PostSummary {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    path: r.path,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    summary: r.summary,
    categories: list(r.categories),
    tags: list(r.tags),
    firstImage: r.first_image,
  };
}

function toPost(r: PostRow, now: number): Post {
  return {
    ...toSummary(r),
    infoCode: r.info_code,
    bodyHtml: r.body_html,
    sourceUrl: r.source_url,
    backLink: r.back_link,
    hash: r.hash,
    createdAt: r.created_at,
    visible: r.published === 1 && r.published_at <= now,
  };
}

function toVersion(r: PageRow | null): PageVersion {
  const keys = r?.keys ?? "";
  return {
    count: r?.n ?? 0,
    lastModified: Math.max(r?.u ?? 0, r?.pub ?? 0),
    items: `${r?.pub ?? 0}:${keys}`,
    cursors: keys
      ? keys.split(",").map((k) => {
          const dot = k.indexOf(".");
          return { publishedAt: Number(k.slice(0, dot)), id: Number(k.slice(dot + 1)) };
        })
      : [],
  };
}

/** Keyset bounds: (publishedAt, id) strictly below the cursor, or everything up to now. */
function bounds(q: { before?: Cursor | null; now: number }): [number, number] {
  return q.before ? [q.before.publishedAt, q.before.id] : [q.now + 1, 0];
}

/** The window's parameters: min, max, and its start (no start: after now, so the count is 0). */
const windowParams = (w: PageWindow): [number, number, number] => [w.min, w.max, w.since ?? w.now + 1];

const cursorId = (id: number) => id || Number.MAX_SAFE_INTEGER;

/** Newest visible posts across the site (partial index posts_published_time). */
export async function latestPosts(db: Db, q: PageQuery): Promise<PostSummary[]> {
  const [t, id] = bounds(q);
  const { results } = await db.prepare(QUERIES.latest).bind(q.now, t, cursorId(id), q.limit).all<SummaryRow>();
  return results.map(toSummary);
}

/** Newest visible posts of one category, raw categories string or tag (post_terms primary key range). */
export async function latestInTerm(db: Db, kind: TermKind, key: string, q: PageQuery): Promise<PostSummary[]> {
  const [t, id] = bounds(q);
  const { results } = await db.prepare(QUERIES.inTerm).bind(kind, key, q.now, t, cursorId(id), q.limit).all<SummaryRow>();
  return results.map(toSummary);
}

/** The version of a page of the whole site: one small indexed query, no bodies. */
export async function sitePageVersion(db: Db, w: PageWindow): Promise<PageVersion> {
  const [t, id] = bounds(w);
  return toVersion(
    await db
      .prepare(QUERIES.sitePage)
      .bind(w.now, t, cursorId(id), ...windowParams(w))
      .first<PageRow>(),
  );
}

/**
 * The category / raw string / tag named `key` (the first of `kinds` that exists) and the version of
 * one page of it, in one statement. `term` is null when no such name exists.
 */
export async function termPageVersion(
  db: Db,
  kinds: TermKind[],
  key: string,
  w: PageWindow,
): Promise<{ term: Term | null; version: PageVersion }> {
  const [t, id] = bounds(w);
  const [k1, k2] = [kinds[0] ?? "c", kinds[1] ?? kinds[0] ?? "c"];
  const row = await db
    .prepare(QUERIES.termPage)
    .bind(key, k1, k2, w.now, t, cursorId(id), ...windowParams(w))
    .first<PageRow & { term: string | null }>();
  let term: Term | null = null;
  if (row?.term) {
    const [kind, tkey, name, label] = JSON.parse(row.term) as [TermKind, string, string, string];
    term = { kind, key: tkey, name, label };
  }
  return { term, version: toVersion(row) };
}

export async function postBySlug(db: Db, slug: string, now: number): Promise<Post | null> {
  const r = await db.prepare(QUERIES.bySlug).bind(slug).first<PostRow>();
  return r ? toPost(r, now) : null;
}

/** The file a stored post (visible or not) came from, and its path; null when no post has the slug. */
export async function fileOfSlug(db: Db, slug: string): Promise<{ file: string | null; path: string } | null> {
  return db.prepare(QUERIES.fileOfSlug).bind(slug).first<{ file: string | null; path: string }>();
}

/** The database's epoch and change-log head (db/statements TARGET_STATE). */
export async function targetState(db: Db): Promise<string | null> {
  const row = await db.prepare(TARGET_STATE.sql).first<{ state: string | null }>();
  return row?.state ?? null;
}

/** The stored hash of each of `slugs` that is stored. */
export async function hashesOf(db: Db, slugs: string[]): Promise<Record<string, string>> {
  const { results } = await db.prepare(QUERIES.hashesOf).bind(JSON.stringify(slugs)).all<{ slug: string; hash: string }>();
  return Object.fromEntries(results.map((r) => [r.slug, r.hash]));
}

/** A post by its canonical path (posts with their own `permalink:`). */
export async function postByPath(db: Db, path: string, now: number): Promise<Post | null> {
  const r = await db.prepare(QUERIES.byPath).bind(path).first<PostRow>();
  return r ? toPost(r, now) : null;
}

/** The post a share code names: its slug and path, and whether it is visible now (hidden posts must not fall back elsewhere). */
export async function postByInfoCode(
  db: Db,
  code: string,
  now: number,
): Promise<{ slug: string; path: string; visible: boolean } | null> {
  const { results } = await db.prepare(QUERIES.byInfoCode).bind(code, now).all<{ slug: string; path: string; visible: number }>();
  const r = results.find((x) => x.visible === 1) ?? results[0];
  return r ? { slug: r.slug, path: r.path, visible: r.visible === 1 } : null;
}

/**
 * The category or raw categories string called `key` (a category first) while it has a visible
 * post: redirects and 404 hints never lead to an empty page.
 */
export async function liveCategory(db: Db, key: string, now: number): Promise<Term | null> {
  return db.prepare(QUERIES.liveTerm).bind(key, "c", "r", now).first<Term>();
}

/** Every category or tag with a visible post, by key. */
export async function listTerms(db: Db, kind: TermKind, now: number): Promise<Term[]> {
  const { results } = await db.prepare(QUERIES.terms).bind(kind, now).all<Term>();
  return results;
}

/** Visible posts per UTC day (days since the epoch) up to `now`: the sitemap index. */
export async function dayCounts(db: Db, now: number): Promise<{ day: number; n: number }[]> {
  const { results } = await db.prepare(QUERIES.sitemapDays).bind(now).all<{ day: number; n: number }>();
  return results;
}

/** Paths of visible posts in [from, to) up to `now`, oldest first, `limit` from the `offset`th (a sitemap part). */
export async function pathsBetween(
  db: Db,
  range: { from: number; to: number; now: number },
  limit: number,
  offset: number,
): Promise<{ path: string; updatedAt: number }[]> {
  const { results } = await db
    .prepare(QUERIES.sitemapPage)
    .bind(range.from, range.to, range.now, limit, offset)
    .all<{ path: string; updated_at: number }>();
  return results.map((r) => ({ path: r.path, updatedAt: r.updated_at }));
}

/** How many visible posts [from, to) holds up to `now`. */
export async function countBetween(db: Db, range: { from: number; to: number; now: number }): Promise<number> {
  return (await db.prepare(QUERIES.countBetween).bind(range.from, range.to, range.now).first<{ n: number }>())?.n ?? 0;
}

/** True when any of `tags` changed at or after `since` (epoch ms): one index probe per tag. */
export async function changedSince(db: Db, tags: string[], since: number): Promise<boolean> {
  if (!tags.length) return false;
  if (tags.length > MAX_TAGS) return true; // cannot tell cheaply: treat as changed
  const params: (string | number | null)[] = Array.from({ length: MAX_TAGS }, (_, i) => tags[i] ?? null);
  params.push(since);
  const row = await db
    .prepare(QUERIES.changedSince)
    .bind(...params)
    .first<{ changed: number }>();
  return row !== null;
}

export interface Change {
  seq: number;
  tag: string;
  at: number;
}

/** The newest change's sequence number (0 when the log is empty). */
export async function changeHead(db: Db): Promise<number> {
  return (await db.prepare(QUERIES.changeHead).first<{ seq: number | null }>())?.seq ?? 0;
}

/** The change log after sequence number `seq`, oldest first. */
export async function changesAfter(db: Db, seq: number, limit: number): Promise<Change[]> {
  const { results } = await db.prepare(QUERIES.changesAfter).bind(seq, limit).all<Change>();
  return results;
}

/** A feed's item: the fields of its entry, its stored fragment in the feed's format, and its body when it goes in full. */
export interface FeedRow extends PostSummary {
  createdAt: number;
  fragment: string | null;
  fragmentKey: string | null;
  fragmentBytes: number | null;
  bodyHtml: string | null;
}

/** A summary's columns, and what a feed entry needs on top. */
export interface FeedSqlRow extends SummaryRow {
  created_at: number;
  feed_key: string | null;
  fragment: string | null;
  fragment_bytes: number | null;
  body_html: string | null;
}

const FEED_SQL: Record<"site" | "term", Record<FeedFormat, string>> = {
  site: { atom: QUERIES.siteFeedAtom, rss: QUERIES.siteFeedRss, json: QUERIES.siteFeedJson },
  term: { atom: QUERIES.termFeedAtom, rss: QUERIES.termFeedRss, json: QUERIES.termFeedJson },
};

/**
 * The newest `q.limit` visible items of the site (kind null) or a term, with the stored fragment of
 * `format`, and bodies for the items at and above `fullUntil` (the cursor of the last one that goes
 * in full; null: none). One indexed query.
 */
export async function feedRows(
  db: Db,
  format: FeedFormat,
  term: { kind: TermKind; key: string } | null,
  q: PageQuery,
  fullUntil: Cursor | null,
): Promise<FeedRow[]> {
  const [t, id] = bounds(q);
  const [ft, fid] = fullUntil ? [fullUntil.publishedAt, fullUntil.id] : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  const stmt = term
    ? db.prepare(FEED_SQL.term[format]).bind(term.kind, term.key, q.now, t, cursorId(id), q.limit, ft, fid)
    : db.prepare(FEED_SQL.site[format]).bind(q.now, t, cursorId(id), q.limit, ft, fid);
  const { results } = await stmt.all<FeedSqlRow>();
  return results.map(toFeedRow);
}

/**
 * A feed row: plain fields, but categories and tags parsed only when an entry is rendered now (its
 * stored fragment missing or stale), so a thousand-item feed does not parse two thousand JSON
 * arrays it never uses.
 */
class FeedRowView implements FeedRow {
  // `declare`: fields assigned in the constructor, not defined first (define semantics cost per row).
  declare readonly id: number;
  declare readonly slug: string;
  declare readonly title: string;
  declare readonly path: string;
  declare readonly publishedAt: number;
  declare readonly updatedAt: number;
  declare readonly createdAt: number;
  declare readonly summary: string;
  declare readonly firstImage: string | null;
  declare readonly fragment: string | null;
  declare readonly fragmentKey: string | null;
  declare readonly fragmentBytes: number | null;
  declare readonly bodyHtml: string | null;
  declare private readonly raw: FeedSqlRow;
  declare private parsed?: { categories: string[]; tags: string[] };
  constructor(r: FeedSqlRow) {
    this.id = r.id;
    this.slug = r.slug;
    this.title = r.title;
    this.path = r.path;
    this.publishedAt = r.published_at;
    this.updatedAt = r.updated_at;
    this.createdAt = r.created_at;
    this.summary = r.summary;
    this.firstImage = r.first_image;
    this.fragment = r.fragment;
    this.fragmentKey = r.feed_key;
    this.fragmentBytes = r.fragment_bytes ?? null;
    this.bodyHtml = r.body_html ?? null;
    this.raw = r;
  }
  private terms() {
    this.parsed ??= { categories: list(this.raw.categories), tags: list(this.raw.tags) };
    return this.parsed;
  }
  get categories(): string[] {
    return this.terms().categories;
  }
  get tags(): string[] {
    return this.terms().tags;
  }
}

export const toFeedRow = (r: FeedSqlRow): FeedRow => new FeedRowView(r);

/** The terms (with their names) that cache tags `kind:key` stand for; unknown ones are left out. */
export async function termsByKey(db: Db, keys: [TermKind, string][]): Promise<Term[]> {
  if (!keys.length) return [];
  const { results } = await db.prepare(QUERIES.termsByKey).bind(JSON.stringify(keys)).all<Term>();
  return results;
}

/**
 * The posts with each category spelled as its source is named (`Techweb` → `TechWeb` when the
 * first post of that source said so): one source, one link. Names not stored stay as written.
 */
export async function withCategoryNames<T extends { categories: string[] }>(db: Db, posts: T[]): Promise<T[]> {
  const keys = [...new Set(posts.flatMap((p) => p.categories.map(termKey)))];
  if (!keys.length) return posts;
  const names = new Map(
    (
      await termsByKey(
        db,
        keys.map((k) => ["c", k]),
      )
    ).map((t) => [t.key, t.name]),
  );
  return posts.map((p) => ({ ...p, categories: p.categories.map((c) => names.get(termKey(c)) ?? c) }));
}

/** Published posts strictly older than `before`, newest first, as feeds read them (without bodies). */
export async function entriesPage(db: Db, before: Cursor, limit: number): Promise<FeedRow[]> {
  const { results } = await db.prepare(QUERIES.entriesPage).bind(before.publishedAt, before.id, limit).all<FeedSqlRow>();
  return results.map(toFeedRow);
}
