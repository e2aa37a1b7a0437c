/**
 * @module db/repository
 * Every read the Worker makes: plain functions over a D1 binding or session
 * that return plain objects. Each query is bound and walks an index (see
 * test/worker/query-plans.test.ts); visibility (`published = 1 AND
 * published_at <= now`) is decided here, at request time.
 */

/** A D1 database or a D1 read session. */
export type Db = Pick<D1Database, "prepare" | "batch">;

export type TermKind = "c" | "r" | "t";

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

const SUMMARY_COLS =
  "p.id, p.slug, p.title, p.path, p.published_at, p.updated_at, p.summary, p.categories, p.tags, p.first_image";
const FULL_COLS = `${SUMMARY_COLS}, p.info_code, p.body_html, p.source_url, p.back_link, p.hash, p.published, p.created_at`;

const latestSql = (cols: string) =>
  `SELECT ${cols} FROM posts AS p INDEXED BY posts_published_time
   WHERE p.published = 1 AND p.published_at <= ?1 AND (p.published_at < ?2 OR (p.published_at = ?2 AND p.id < ?3))
   ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`;

const termSql = (cols: string) =>
  `SELECT ${cols} FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
   WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3
     AND (t.published_at < ?4 OR (t.published_at = ?4 AND t.post_id < ?5))
   ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?6`;

const validatorSql = (inner: string) =>
  `SELECT count(*) AS n, max(updated_at) AS u, max(published_at) AS pub, group_concat(id) AS ids FROM (${inner})`;

/**
 * Every query the Worker runs, by name, so test/worker/query-plans.test.ts can
 * check each plan walks an index and never scans posts.
 */
export const QUERIES = {
  latest: latestSql(SUMMARY_COLS),
  latestFull: latestSql(FULL_COLS),
  inTerm: termSql(SUMMARY_COLS),
  inTermFull: termSql(FULL_COLS),
  validatorLatest: validatorSql(
    `SELECT p.id, p.published_at, p.updated_at FROM posts AS p INDEXED BY posts_published_time
     WHERE p.published = 1 AND p.published_at <= ?3 ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`,
  ),
  validatorTerm: validatorSql(
    `SELECT p.id, p.published_at, p.updated_at FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
     WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3 ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?4`,
  ),
  bySlug: `SELECT ${FULL_COLS} FROM posts AS p WHERE p.slug = ?1`,
  byPath: `SELECT ${FULL_COLS} FROM posts AS p WHERE p.path = ?1 LIMIT 1`,
  // A code normally names one post; when it repeats, the caller prefers a visible one, then the newest.
  byInfoCode: `SELECT p.path, (p.published = 1 AND p.published_at <= ?2) AS visible FROM posts AS p INDEXED BY posts_info_code
     WHERE p.info_code = ?1 ORDER BY p.published_at DESC LIMIT 8`,
  term: "SELECT kind, key, name, label FROM terms WHERE key = ?1 AND kind IN (?2, ?3)",
  // Only terms with at least one visible post (a category whose posts are all scheduled is not listed yet).
  terms: `SELECT t.kind, t.key, t.name, t.label FROM terms AS t WHERE t.kind = ?1
     AND EXISTS (SELECT 1 FROM post_terms AS pt WHERE pt.kind = t.kind AND pt.key = t.key AND pt.published_at <= ?2)
     ORDER BY t.key`,
  timeSpan: `SELECT (SELECT published_at FROM posts INDEXED BY posts_published_time WHERE published = 1 ORDER BY published_at ASC LIMIT 1) AS first,
     (SELECT published_at FROM posts INDEXED BY posts_published_time WHERE published = 1 AND published_at <= ?1 ORDER BY published_at DESC LIMIT 1) AS last`,
  sitemapPage: `SELECT path, updated_at FROM posts INDEXED BY posts_published_time
     WHERE published = 1 AND published_at >= ?1 AND published_at < ?2 ORDER BY published_at ASC LIMIT ?3`,
} as const;

interface SummaryRow {
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

function list(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function toSummary(r: SummaryRow): PostSummary {
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

export interface PageQuery {
  limit: number;
  before?: Cursor | null;
  now: number;
}

/** Keyset bounds: (publishedAt, id) strictly below the cursor, or everything up to now. */
function bounds(q: PageQuery): [number, number] {
  return q.before ? [q.before.publishedAt, q.before.id] : [q.now + 1, 0];
}

/** Newest visible posts across the site (partial index posts_published_time). */
export async function latestPosts(db: Db, q: PageQuery): Promise<PostSummary[]> {
  const [t, id] = bounds(q);
  const { results } = await db
    .prepare(QUERIES.latest)
    .bind(q.now, t, id || Number.MAX_SAFE_INTEGER, q.limit)
    .all<SummaryRow>();
  return results.map(toSummary);
}

/** Newest visible posts of one category, raw categories string or tag (post_terms primary key range). */
export async function latestInTerm(db: Db, kind: TermKind, key: string, q: PageQuery): Promise<PostSummary[]> {
  const [t, id] = bounds(q);
  const { results } = await db
    .prepare(QUERIES.inTerm)
    .bind(kind, key, q.now, t, id || Number.MAX_SAFE_INTEGER, q.limit)
    .all<SummaryRow>();
  return results.map(toSummary);
}

/** Like latestPosts / latestInTerm (kind null = whole site), with bodies, for feeds: still one query. */
export async function latestFullInTerm(db: Db, kind: TermKind | null, key: string, q: PageQuery): Promise<Post[]> {
  const [t, id] = bounds(q);
  const stmt =
    kind === null
      ? db.prepare(QUERIES.latestFull).bind(q.now, t, id || Number.MAX_SAFE_INTEGER, q.limit)
      : db.prepare(QUERIES.inTermFull).bind(kind, key, q.now, t, id || Number.MAX_SAFE_INTEGER, q.limit);
  const { results } = await stmt.all<PostRow>();
  return results.map((r) => toPost(r, q.now));
}

export interface Validator {
  /** Newest change among the first `limit` visible items, epoch ms; 0 when empty. */
  lastModified: number;
  count: number;
  /** Newest instant and the item ids, so a new, removed or reordered item changes the validator. */
  newest: string;
}

/** The feed/list validator: one small indexed query, no bodies. */
export async function validator(db: Db, kind: TermKind | null, key: string, limit: number, now: number): Promise<Validator> {
  const row = await db
    .prepare(kind === null ? QUERIES.validatorLatest : QUERIES.validatorTerm)
    .bind(kind ?? "", key, now, limit)
    .first<{ n: number; u: number | null; pub: number | null; ids: string | null }>();
  return {
    lastModified: Math.max(row?.u ?? 0, row?.pub ?? 0),
    count: row?.n ?? 0,
    newest: `${row?.pub ?? 0}:${row?.ids ?? ""}`,
  };
}

export async function postBySlug(db: Db, slug: string, now: number): Promise<Post | null> {
  const r = await db.prepare(QUERIES.bySlug).bind(slug).first<PostRow>();
  return r ? toPost(r, now) : null;
}

/** The post a share code names: its path, and whether it is visible now (hidden posts must not fall back elsewhere). */
export async function postByInfoCode(db: Db, code: string, now: number): Promise<{ path: string; visible: boolean } | null> {
  const { results } = await db.prepare(QUERIES.byInfoCode).bind(code, now).all<{ path: string; visible: number }>();
  const r = results.find((x) => x.visible === 1) ?? results[0];
  return r ? { path: r.path, visible: r.visible === 1 } : null;
}

/** A post by its canonical path (posts with their own `permalink:`). */
export async function postByPath(db: Db, path: string, now: number): Promise<Post | null> {
  const r = await db.prepare(QUERIES.byPath).bind(path).first<PostRow>();
  return r ? toPost(r, now) : null;
}

/** A category ('c'), raw categories string ('r') or tag ('t') by lowercased key; 'c' wins over 'r'. */
export async function findTerm(db: Db, kinds: TermKind[], key: string): Promise<Term | null> {
  const [k1, k2] = [kinds[0] ?? "c", kinds[1] ?? kinds[0] ?? "c"];
  const { results } = await db.prepare(QUERIES.term).bind(key, k1, k2).all<Term>();
  return kinds.map((k) => results.find((r) => r.kind === k)).find(Boolean) ?? null;
}

/** Every category or tag with a visible post, by key. */
export async function listTerms(db: Db, kind: TermKind, now: number): Promise<Term[]> {
  const { results } = await db.prepare(QUERIES.terms).bind(kind, now).all<Term>();
  return results;
}

/** Oldest and newest visible instants, for the sitemap index (two index probes). */
export async function timeSpan(db: Db, now: number): Promise<{ first: number; last: number } | null> {
  const r = await db.prepare(QUERIES.timeSpan).bind(now).first<{ first: number | null; last: number | null }>();
  if (!r || r.first === null || r.last === null) return null;
  return { first: r.first, last: r.last };
}

/** Paths of visible posts in [from, to), oldest first (a sitemap page). */
export async function pathsBetween(
  db: Db,
  from: number,
  to: number,
  limit: number,
): Promise<{ path: string; updatedAt: number }[]> {
  const { results } = await db.prepare(QUERIES.sitemapPage).bind(from, to, limit).all<{ path: string; updated_at: number }>();
  return results.map((r) => ({ path: r.path, updatedAt: r.updated_at }));
}
