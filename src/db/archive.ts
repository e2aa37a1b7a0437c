/**
 * @module db/archive
 * Which database holds which post. The archive is split by publication time
 * (config ARCHIVE): each database holds the posts whose local date, in the
 * site's time zone as their permalinks spell it, falls in its range, and the
 * ranges tile all of time. Every public key carries a date (a permalink's
 * /YYYY/MM/DD/, a share code's eight digits), so a point lookup goes to one
 * database, or two when that date is next to a boundary; lists walk the
 * databases newest first. Posts whose keys do not name their own date (a
 * `permalink:` without one, a share code dated days away from the post) are
 * listed in the routing table of the primary database (`archive_routes`).
 */
import { type ArchivePart, ConfigError, PRIMARY_BINDING } from "../config";
import { dayOf, toInstant } from "../content/dates";

/** One database of the archive and the instants it covers: from ≤ published_at < to. */
export interface Shard<T> {
  name: string;
  from: number;
  to: number;
  db: T;
}

/**
 * Local midnights already computed: each costs Intl calls (~9 µs), and a dated path or share code
 * asks for one per request. 8,192 days are 22 years: in practice every day an isolate is asked for.
 */
const starts = new Map<string, number>();

/** Local midnight at the start of `day` (YYYY-MM-DD) in `timeZone`. */
export function dayStart(day: string, timeZone: string): number {
  const key = `${timeZone} ${day}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  const [y, m, d] = day.split("-").map(Number);
  const ms = toInstant(
    { year: y as number, month: m as number, day: d as number, hour: 0, minute: 0, second: 0, offsetMinutes: null },
    timeZone,
  );
  if (starts.size >= 8192) starts.clear();
  starts.set(key, ms);
  return ms;
}

/** Ranges by configuration (one or two per isolate): computing them costs Intl calls. */
const layouts = new Map<string, Shard<null>[]>();

/** The last layout asked for: every request of an isolate asks for its one configuration's. */
let last: { parts: ArchivePart[]; timeZone: string; layout: Shard<null>[] } | null = null;

/** The ranges of `parts`, newest first. */
function layoutOf(parts: ArchivePart[], timeZone: string): Shard<null>[] {
  if (last?.parts === parts && last.timeZone === timeZone) return last.layout;
  const key = `${timeZone}\n${JSON.stringify(parts)}`;
  let layout = layouts.get(key);
  if (!layout) {
    if (layouts.size >= 16) layouts.clear();
    const starts = parts.map((p) => (p.from === null ? Number.NEGATIVE_INFINITY : dayStart(p.from, timeZone)));
    layout = parts
      .map((p, i) => ({ name: p.binding, from: starts[i] as number, to: starts[i + 1] ?? Number.POSITIVE_INFINITY, db: null }))
      .reverse();
    layouts.set(key, layout);
  }
  last = { parts, timeZone, layout };
  return layout;
}

/** The databases of `parts`, newest first, each opened by `open` (a binding name → its handle). */
export function shardsOf<T>(parts: ArchivePart[], timeZone: string, open: (binding: string) => T): Shard<T>[] {
  return layoutOf(parts, timeZone).map((s) => ({ ...s, db: open(s.name) }));
}

/** The configuration error of ARCHIVE naming a database wrangler.toml does not bind (a 503 naming it, like any bad setting). */
const missingDatabase = (binding: string) =>
  new ConfigError("ARCHIVE", `names ${binding}, but no D1 database is bound as ${binding} (wrangler.toml [[d1_databases]])`);

/** The D1 bindings of `parts` in `env`, newest first; throws a ConfigError naming an absent one. */
export function bindingsOf<T>(env: Record<string, unknown>, parts: ArchivePart[], timeZone: string): Shard<T>[] {
  return shardsOf(parts, timeZone, (name) => {
    const db = env[name];
    if (!db || typeof (db as { prepare?: unknown }).prepare !== "function") throw missingDatabase(name);
    return db as T;
  });
}

/** The database that holds a post published at `ms`. */
export function shardAt<T>(shards: Shard<T>[], ms: number): Shard<T> {
  return (shards.find((s) => ms >= s.from && ms < s.to) ?? shards[shards.length - 1]) as Shard<T>;
}

/** The primary database (binding DB): the routing table and the Cron Trigger's turn live there. */
export function primaryOf<T>(shards: Shard<T>[]): Shard<T> {
  return (shards.find((s) => s.name === PRIMARY_BINDING) ?? shards[0]) as Shard<T>;
}

const DAY_MS = 86_400_000;

/**
 * The databases a key dated `day` (YYYY-MM-DD) may name: the one holding that local day first,
 * then any holding the day before or after. Old spellings of a permalink carry the UTC date of an
 * offset-less time (one day off), and a share code's date is its source's, not always the local
 * one: both stay within a day. So one database, or two at a boundary.
 */
export function shardsNearDay<T>(shards: Shard<T>[], day: string, timeZone: string): Shard<T>[] {
  const start = dayStart(day, timeZone);
  if (!Number.isFinite(start)) return [];
  const out = [shardAt(shards, start)];
  for (const ms of [start - DAY_MS / 2, start + DAY_MS + DAY_MS / 2]) {
    const s = shardAt(shards, ms);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** `YYYY-MM-DD` from a share code's digits (`NW20220615…` or `20220615…`), or null. */
export function dayOfCode(code: string): string | null {
  const m = /^(?:NW)?(\d{4})(\d{2})(\d{2})/i.exec(code);
  if (!m) return null;
  const p = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 };
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
  return d.getUTCMonth() === p.month - 1 && d.getUTCDate() === p.day && p.year >= 1970 ? dayOf(p) : null;
}

/** `YYYY-MM-DD` from the first /YYYY/MM/DD/ of a path, or null. */
export function dayOfPath(path: string): string | null {
  const m = /\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(path);
  return m ? dayOfCode(`${m[1]}${m[2]}${m[3]}`) : null;
}

/** Routing-table keys: a post's path, and its share code. */
export const routeKey = {
  path: (path: string) => `path:${path}`,
  code: (code: string) => `code:${code}`,
};

/**
 * The routing-table keys a post needs in `home` (its database): those of its keys whose date
 * does not lead there. Empty for every post whose path and code carry its own date.
 */
export function strayKeys<T>(
  shards: Shard<T>[],
  home: Shard<T>,
  post: { path: string; infoCode: string | null },
  timeZone: string,
): string[] {
  if (shards.length < 2) return [];
  const leads = (day: string | null) => day !== null && shardsNearDay(shards, day, timeZone).includes(home);
  const keys: string[] = [];
  if (!leads(dayOfPath(post.path))) keys.push(routeKey.path(post.path));
  if (post.infoCode && !leads(dayOfCode(post.infoCode))) keys.push(routeKey.code(post.infoCode));
  return keys;
}
