/**
 * @module db/repository
 * What routes read, from the whole archive: the same functions as one
 * database's reads (db/reads), each deciding which databases to ask
 * (db/archive). Point lookups ask the database their key's date names (two
 * at a boundary), then the routing table; pages walk the databases newest
 * first with one keyset cursor and stop when full, so a page of new posts
 * asks the newest database alone. With one database every function is one
 * call of its db/reads twin.
 */
import { termKey } from "../content/permalink";
import type { FeedFormat } from "../urls";
import { dayOfCode, dayOfPath, primaryOf, routeKey, type Shard, shardAt, shardsNearDay } from "./archive";
import * as one from "./reads";
import type { Cursor, Db, FeedRow, PageQuery, PageVersion, PageWindow, Post, Term, TermKind } from "./reads";
import * as search from "./search-reads";
import type { SearchSpec } from "./search-reads";

export type {
  Cursor,
  Db,
  FeedRow,
  PageQuery,
  PageVersion,
  PageWindow,
  Post,
  PostSummary,
  Term,
  TermKind,
} from "./reads";
export type { SearchFeedRow, SearchHit, SearchSpec } from "./search-reads";

/** The databases a request reads, newest first, and the time zone their ranges are local to. */
export interface Archive {
  shards: Shard<Db>[];
  timeZone: string;
}

/** Databases that may hold posts visible at `now` strictly older than `before`, newest first. */
function older(a: Archive, before: Cursor | null | undefined, now: number): Shard<Db>[] {
  const top = before ? before.publishedAt : now + 1;
  return a.shards.filter((s) => s.from < top);
}

/** The first non-null answer of `ask` over `shards`, asked all at once (a miss costs one round trip, not one per database). */
async function firstOf<T>(shards: Shard<Db>[], ask: (db: Db) => Promise<T | null>): Promise<T | null> {
  if (shards.length === 1) return ask((shards[0] as Shard<Db>).db);
  for (const r of await Promise.all(shards.map((s) => ask(s.db)))) if (r !== null) return r;
  return null;
}

/** The answer of the first of `shards` (the one a key's date names), else of the others (its neighbours), at once. */
async function nearFirst<T>(shards: Shard<Db>[], ask: (db: Db) => Promise<T | null>): Promise<T | null> {
  const [own, ...others] = shards;
  if (!own) return null;
  return (await ask(own.db)) ?? (others.length ? firstOf(others, ask) : null);
}

/** The database the routing table sends `key` to, if any. */
async function routed(a: Archive, key: string): Promise<Shard<Db> | null> {
  if (a.shards.length < 2) return null;
  const row = await primaryOf(a.shards)
    .db.prepare("SELECT shard FROM archive_routes WHERE key = ?1")
    .bind(key)
    .first<{ shard: string }>();
  return a.shards.find((s) => s.name === row?.shard) ?? null;
}

/** Rows of a keyset page across databases: each continues with the cursor and what is still missing. */
async function pageAcross<T>(a: Archive, q: PageQuery, read: (db: Db, q: PageQuery) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const s of older(a, q.before, q.now)) {
    out.push(...(await read(s.db, { ...q, limit: q.limit - out.length })));
    if (out.length >= q.limit) break;
  }
  return out;
}

export const latestPosts = (a: Archive, q: PageQuery) => pageAcross(a, q, one.latestPosts);

export const latestInTerm = (a: Archive, kind: TermKind, key: string, q: PageQuery) =>
  pageAcross(a, q, (db, qq) => one.latestInTerm(db, kind, key, qq));

export function feedRows(
  a: Archive,
  format: FeedFormat,
  term: { kind: TermKind; key: string } | null,
  q: PageQuery,
  fullUntil: Cursor | null,
): Promise<FeedRow[]> {
  return pageAcross(a, q, (db, qq) => one.feedRows(db, format, term, qq, fullUntil));
}

const EMPTY: PageVersion = { count: 0, lastModified: 0, items: "0:", cursors: [] };

function join(a: PageVersion, b: PageVersion): PageVersion {
  if (!a.count) return b;
  if (!b.count) return a;
  return {
    count: a.count + b.count,
    lastModified: Math.max(a.lastModified, b.lastModified),
    items: `${a.items},${b.items.slice(b.items.indexOf(":") + 1)}`,
    cursors: [...a.cursors, ...b.cursors],
  };
}

/**
 * A windowed page across databases. A database's part is complete, and the walk stops, unless
 * it ran out: fewer than `max` items, and either fewer than `min` or a window reaching past it.
 */
async function windowAcross(
  a: Archive,
  w: PageWindow,
  read: (s: Shard<Db>, w: PageWindow) => Promise<PageVersion | null>,
): Promise<PageVersion> {
  let page = EMPTY;
  for (const s of older(a, w.before, w.now)) {
    const got = page.count;
    const part = await read(s, { ...w, min: Math.max(0, w.min - got), max: w.max - got });
    if (part === null) continue;
    page = join(page, part);
    const ranOut = part.count < w.max - got && (part.count < w.min - got || (w.since ?? w.now + 1) < s.from);
    if (!ranOut) break;
  }
  return page;
}

export const sitePageVersion = (a: Archive, w: PageWindow) => windowAcross(a, w, (s, ww) => one.sitePageVersion(s.db, ww));

/**
 * The term named `key` (the first of `kinds` the newest database knowing it has) and one page of
 * it across databases; older databases are asked for the same kind.
 */
export async function termPageVersion(
  a: Archive,
  kinds: TermKind[],
  key: string,
  w: PageWindow,
): Promise<{ term: Term | null; version: PageVersion }> {
  let term: Term | null = null;
  const version = await windowAcross(a, w, async (s, ww) => {
    const r = await one.termPageVersion(s.db, term ? [term.kind] : kinds, key, ww);
    if (!r.term) return null;
    term ??= r.term;
    return r.version;
  });
  // A name only older databases know still names its term when this page has none of its posts.
  if (!term && a.shards.length > 1) {
    for (const s of older(a, null, w.now)) {
      const r = await one.termPageVersion(s.db, kinds, key, { ...w, min: 0, max: 0 });
      if (r.term) return { term: r.term, version };
    }
  }
  return { term, version };
}

/** A page of a search across databases, newest first: a database whose part fills the page ends the walk. */
export const searchPosts = (a: Archive, s: SearchSpec, q: PageQuery) =>
  pageAcross(a, q, (db, qq) => search.searchPosts(db, s, qq));

/** The version of a search page or feed window across databases. */
export const searchPageVersion = (a: Archive, s: SearchSpec, w: PageWindow) =>
  windowAcross(a, w, (sh, ww) => search.searchPageVersion(sh.db, s, ww));

/** A search feed's items across databases. */
export const searchFeedRows = (a: Archive, format: FeedFormat, s: SearchSpec, q: PageQuery, fullUntil: Cursor | null) =>
  pageAcross(a, q, (db, qq) => search.searchFeedRows(db, format, s, qq, fullUntil));

/**
 * A point lookup by a key that carries a date (`day`, null when it carries none): the database of
 * that day (or the two around it), then the one the routing table names for `key`.
 */
async function byDatedKey<T>(a: Archive, day: string | null, key: string, ask: (db: Db) => Promise<T | null>): Promise<T | null> {
  if (a.shards.length === 1) return ask((a.shards[0] as Shard<Db>).db);
  const near = day ? shardsNearDay(a.shards, day, a.timeZone) : [];
  const found = await nearFirst(near, ask);
  if (found) return found;
  const s = await routed(a, key);
  return s && !near.includes(s) ? ask(s.db) : null;
}

/** A post by its path. */
export const postByPath = (a: Archive, path: string, now: number): Promise<Post | null> =>
  byDatedKey(a, dayOfPath(path), routeKey.path(path), (db) => one.postByPath(db, path, now));

/** A post by its slug, as a path dated `day` names it: the database of that day, or the two around it. */
export async function postByDatedSlug(a: Archive, slug: string, day: string, now: number): Promise<Post | null> {
  return nearFirst(shardsNearDay(a.shards, day, a.timeZone), (db) => one.postBySlug(db, slug, now));
}

/** The post a share code names. */
export const postByInfoCode = (a: Archive, code: string, now: number) =>
  byDatedKey(a, dayOfCode(code), routeKey.code(code), (db) => one.postByInfoCode(db, code, now));

/** The category or raw string `key` while it has a visible post, in any database (asked at once). */
export const liveCategory = (a: Archive, key: string, now: number) => firstOf(a.shards, (db) => one.liveCategory(db, key, now));

/** Every category or tag with a visible post; a name known to several databases is spelled as the oldest first wrote it. */
export async function listTerms(a: Archive, kind: TermKind, now: number): Promise<Term[]> {
  if (a.shards.length === 1) return one.listTerms((a.shards[0] as Shard<Db>).db, kind, now);
  const all = await Promise.all(a.shards.map((s) => one.listTerms(s.db, kind, now)));
  const byKey = new Map<string, Term>();
  for (const list of all) for (const t of list) byKey.set(t.key, t);
  return [...byKey.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** Posts with each category spelled as its source is named, from the databases that hold them. */
export async function withCategoryNames<T extends { categories: string[]; publishedAt: number }>(
  a: Archive,
  posts: T[],
): Promise<T[]> {
  const dbs = [...new Set(posts.map((p) => shardAt(a.shards, p.publishedAt)))];
  if (dbs.length <= 1) return one.withCategoryNames((dbs[0] ?? (a.shards[0] as Shard<Db>)).db, posts);
  const keys = [...new Set(posts.flatMap((p) => p.categories.map(termKey)))].map((k): [TermKind, string] => ["c", k]);
  const names = new Map<string, string>();
  for (const s of dbs.reverse())
    for (const t of await one.termsByKey(s.db, keys)) if (!names.has(t.key)) names.set(t.key, t.name);
  return posts.map((p) => ({ ...p, categories: p.categories.map((c) => names.get(termKey(c)) ?? c) }));
}

/** True when any of `tags` changed at or after `since`: DB's log holds every database's changes (db/archive-sync). */
export const changedSince = (a: Archive, tags: string[], since: number) => one.changedSince(primaryOf(a.shards).db, tags, since);

/** The stored file and path of a slug in whichever database holds it (asked at once). */
export const fileOfSlug = (a: Archive, slug: string) => firstOf(a.shards, (db) => one.fileOfSlug(db, slug));

/** The stored hash of each of `slugs`, from every database. */
export async function hashesOf(a: Archive, slugs: string[]): Promise<Record<string, string>> {
  const parts = await Promise.all(a.shards.map((s) => one.hashesOf(s.db, slugs)));
  return Object.assign({}, ...parts);
}

/** Every database's epoch and change-log head, as one text: it changes when any of them is written. */
export async function targetState(a: Archive): Promise<string | null> {
  const states = await Promise.all(a.shards.map((s) => one.targetState(s.db)));
  return states.some((x) => x === null) ? null : states.join("|");
}

/** Visible posts per UTC day (days since the epoch), oldest first, summed over every database. */
export async function dayCounts(a: Archive, now: number): Promise<{ day: number; n: number }[]> {
  const byDay = new Map<number, number>();
  for (const list of await Promise.all(older(a, null, now).map((s) => one.dayCounts(s.db, now)))) {
    for (const { day, n } of list) byDay.set(day, (byDay.get(day) ?? 0) + n);
  }
  return [...byDay].sort((x, y) => x[0] - y[0]).map(([day, n]) => ({ day, n }));
}

/**
 * Paths of visible posts in [from, to) up to `now`, oldest first, `limit` from the `offset`th,
 * over the databases the range spans (oldest first; each one's count skips it when the offset
 * lies beyond it).
 */
export async function pathsBetween(
  a: Archive,
  range: { from: number; to: number; now: number },
  limit: number,
  offset: number,
): Promise<{ path: string; updatedAt: number }[]> {
  const spans = a.shards.filter((s) => s.from < range.to && s.to > range.from).reverse();
  const out: { path: string; updatedAt: number }[] = [];
  let skip = offset;
  for (const [i, s] of spans.entries()) {
    const last = i === spans.length - 1;
    if (skip > 0 && !last) {
      const n = await one.countBetween(s.db, range);
      if (skip >= n) {
        skip -= n;
        continue;
      }
    }
    out.push(...(await one.pathsBetween(s.db, range, limit - out.length, skip)));
    skip = 0;
    if (out.length >= limit) break;
  }
  return out;
}
