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
    visible: r.published === 1 && r.published_at <= now,
  };
}

export interface PageQuery {
  limit: number;
  before?: Cursor | null;
  now: number;
}

/** Newest visible posts across the site (partial index posts_published_time). */
export async function latestPosts(db: Db, q: PageQuery): Promise<PostSummary[]> {
  const before = q.before ?? { publishedAt: q.now + 1, id: 0 };
  const { results } = await db
    .prepare(
      `SELECT ${SUMMARY_COLS} FROM posts AS p INDEXED BY posts_published_time
       WHERE p.published = 1 AND p.published_at <= ?1 AND (p.published_at < ?2 OR (p.published_at = ?2 AND p.id < ?3))
       ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`,
    )
    .bind(q.now, before.publishedAt, before.id || Number.MAX_SAFE_INTEGER, q.limit)
    .all<SummaryRow>();
  return results.map(toSummary);
}

/** Newest visible posts of one category, raw categories string or tag (post_terms primary key range). */
export async function latestInTerm(db: Db, kind: TermKind, key: string, q: PageQuery): Promise<PostSummary[]> {
  const rows = await termPage<SummaryRow>(db, SUMMARY_COLS, kind, key, q);
  return rows.map(toSummary);
}

/** Like latestInTerm, with bodies, for feeds: still one query. */
export async function latestFullInTerm(db: Db, kind: TermKind | null, key: string, q: PageQuery): Promise<Post[]> {
  const cols = `${SUMMARY_COLS}, p.info_code, p.body_html, p.source_url, p.back_link, p.hash, p.published`;
  if (kind === null) {
    const before = q.before ?? { publishedAt: q.now + 1, id: 0 };
    const { results } = await db
      .prepare(
        `SELECT ${cols} FROM posts AS p INDEXED BY posts_published_time
         WHERE p.published = 1 AND p.published_at <= ?1 AND (p.published_at < ?2 OR (p.published_at = ?2 AND p.id < ?3))
         ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`,
      )
      .bind(q.now, before.publishedAt, before.id || Number.MAX_SAFE_INTEGER, q.limit)
      .all<PostRow>();
    return results.map((r) => toPost(r, q.now));
  }
  const rows = await termPage<PostRow>(db, cols, kind, key, q);
  return rows.map((r) => toPost(r, q.now));
}

async function termPage<R>(db: Db, cols: string, kind: TermKind, key: string, q: PageQuery): Promise<R[]> {
  const before = q.before ?? { publishedAt: q.now + 1, id: 0 };
  const { results } = await db
    .prepare(
      `SELECT ${cols} FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
       WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3
         AND (t.published_at < ?4 OR (t.published_at = ?4 AND t.post_id < ?5))
       ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?6`,
    )
    .bind(kind, key, q.now, before.publishedAt, before.id || Number.MAX_SAFE_INTEGER, q.limit)
    .all<R>();
  return results;
}

export interface Validator {
  /** Newest change among the first `limit` visible items, epoch ms; 0 when empty. */
  lastModified: number;
  count: number;
  /** Newest item's instant and id, so a new post changes the validator even if older ones did not. */
  newest: string;
}

/** The feed/list validator: one small indexed query, no bodies. */
export async function validator(db: Db, kind: TermKind | null, key: string, limit: number, now: number): Promise<Validator> {
  const inner =
    kind === null
      ? `SELECT p.id, p.published_at, p.updated_at FROM posts AS p INDEXED BY posts_published_time
         WHERE p.published = 1 AND p.published_at <= ?3 ORDER BY p.published_at DESC, p.id DESC LIMIT ?4`
      : `SELECT p.id, p.published_at, p.updated_at FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id
         WHERE t.kind = ?1 AND t.key = ?2 AND t.published_at <= ?3 ORDER BY t.published_at DESC, t.post_id DESC LIMIT ?4`;
  const row = await db
    .prepare(
      `SELECT count(*) AS n, max(updated_at) AS u, max(published_at) AS pub,
              group_concat(id) AS ids FROM (${inner})`,
    )
    .bind(kind ?? "", key, now, limit)
    .first<{ n: number; u: number | null; pub: number | null; ids: string | null }>();
  return {
    lastModified: Math.max(row?.u ?? 0, row?.pub ?? 0),
    count: row?.n ?? 0,
    newest: `${row?.pub ?? 0}:${row?.ids ?? ""}`,
  };
}

export async function postBySlug(db: Db, slug: string, now: number): Promise<Post | null> {
  const r = await db
    .prepare(
      `SELECT ${SUMMARY_COLS}, p.info_code, p.body_html, p.source_url, p.back_link, p.hash, p.published
       FROM posts AS p WHERE p.slug = ?1`,
    )
    .bind(slug)
    .first<PostRow>();
  return r ? toPost(r, now) : null;
}

/** Path and visibility of the post with a share code (newest when a code repeats). */
export async function postByInfoCode(db: Db, code: string, now: number): Promise<{ path: string } | null> {
  const r = await db
    .prepare(
      `SELECT p.path FROM posts AS p WHERE p.info_code = ?1 AND p.published = 1 AND p.published_at <= ?2
       ORDER BY p.published_at DESC LIMIT 1`,
    )
    .bind(code, now)
    .first<{ path: string }>();
  return r ?? null;
}

export async function postByPath(db: Db, path: string, now: number): Promise<Post | null> {
  const r = await db
    .prepare(
      `SELECT ${SUMMARY_COLS}, p.info_code, p.body_html, p.source_url, p.back_link, p.hash, p.published
       FROM posts AS p WHERE p.path = ?1 LIMIT 1`,
    )
    .bind(path)
    .first<PostRow>();
  return r ? toPost(r, now) : null;
}

export async function findTerm(db: Db, kinds: TermKind[], key: string): Promise<Term | null> {
  const { results } = await db
    .prepare(
      `SELECT kind, key, name, label FROM terms WHERE kind IN (${kinds.map((_, i) => `?${i + 2}`).join(", ")}) AND key = ?1`,
    )
    .bind(key, ...kinds)
    .all<Term>();
  // A single category wins over a raw string spelled the same way.
  return kinds.map((k) => results.find((r) => r.kind === k)).find(Boolean) ?? null;
}

export async function listTerms(db: Db, kind: TermKind): Promise<Term[]> {
  const { results } = await db
    .prepare("SELECT kind, key, name, label FROM terms WHERE kind = ?1 ORDER BY key")
    .bind(kind)
    .all<Term>();
  return results;
}

/** Oldest and newest visible instants, for the sitemap index (two index probes). */
export async function timeSpan(db: Db, now: number): Promise<{ first: number; last: number } | null> {
  const r = await db
    .prepare(
      `SELECT (SELECT published_at FROM posts INDEXED BY posts_published_time WHERE published = 1 ORDER BY published_at ASC LIMIT 1) AS first,
              (SELECT published_at FROM posts INDEXED BY posts_published_time WHERE published = 1 AND published_at <= ?1 ORDER BY published_at DESC LIMIT 1) AS last`,
    )
    .bind(now)
    .first<{ first: number | null; last: number | null }>();
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
  const { results } = await db
    .prepare(
      `SELECT path, updated_at FROM posts INDEXED BY posts_published_time
       WHERE published = 1 AND published_at >= ?1 AND published_at < ?2 ORDER BY published_at ASC LIMIT ?3`,
    )
    .bind(from, to, limit)
    .all<{ path: string; updated_at: number }>();
  return results.map((r) => ({ path: r.path, updatedAt: r.updated_at }));
}
