/**
 * @module config
 * The site's settings, read from Worker vars (or wrangler.toml for scripts)
 * and validated in one place. A bad value throws a ConfigError naming it.
 */

export interface SiteConfig {
  /** Origin of the site, no trailing slash, e.g. https://finews.withounder.com */
  siteUrl: string;
  title: string;
  lang: string;
  timeZone: string;
  author: string;
  /** Origin unknown share codes are redirected to, or null when off. */
  shareFallbackOrigin: string | null;
  /** A feed holds every item of this many hours (at least FEED_MIN_ITEMS, at most feedMaxItems). */
  feedWindowHours: number;
  feedMaxItems: number;
  /** Entries that carry their full body; later ones carry their summary. */
  feedFullItems: number;
  /** WebSub hub feeds advertise and the Cron Trigger notifies, or null when off. */
  websubHub: string | null;
  /** Files one ingest API request may carry (`POST /api/posts`). */
  ingestMaxFiles: number;
  /** Bytes one ingest API request may carry. */
  ingestMaxBytes: number;
  /**
   * The D1 databases the archive spans, oldest first (`ARCHIVE`): each holds the posts whose local
   * date is on or after its `from` and before the next one's; the first has no `from`. One entry,
   * `DB`, unless configured.
   */
  archive: ArchivePart[];
  /** A database takes no more posts once it holds this many bytes (D1 caps one at 10 GB). */
  archiveMaxBytes: number;
}

/** One database of the archive: its binding, and the first local date it holds (null: the first database). */
export interface ArchivePart {
  binding: string;
  from: string | null;
}

/** The binding every setup has: the only database by default, and home of the archive's routing table. */
export const PRIMARY_BINDING = "DB";

/** A window feed never holds fewer items than this, however quiet its source. */
export const FEED_MIN_ITEMS = 20;

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, reason: string) {
    super(`configuration ${variable}: ${reason}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

type Vars = Record<string, unknown>;

function str(vars: Vars, name: string, fallback?: string): string {
  const v = vars[name];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, "is not set");
  }
  if (typeof v !== "string") throw new ConfigError(name, `must be a string, got ${typeof v}`);
  return v.trim();
}

/** An origin (scheme://host[:port]): an http(s) URL with nothing after the host. */
function origin(name: string, value: string): string {
  const url = httpUrlOf(name, value);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new ConfigError(name, `"${value}" must be an origin only (scheme://host[:port]), without path or query`);
  }
  return url.origin;
}

/** A whole number in [min, max]; wrangler passes vars as strings or numbers. */
function int(vars: Vars, name: string, fallback: number, min: number, max: number): number {
  const v = vars[name];
  if (v === undefined || v === null || v === "") return fallback;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** An absolute http(s) URL, without credentials. */
function httpUrlOf(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `"${value}" is not an absolute URL`);
  }
  // Never echo the value: it carries credentials.
  if (url.username || url.password) throw new ConfigError(name, "must not contain credentials");
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(name, `"${value}" must use http or https`);
  return url;
}

/** An absolute http(s) URL (a path allowed), without credentials, as the URL parser writes it. */
const httpUrl = (name: string, value: string): string => httpUrlOf(name, value).href;

/** Validates the vars and returns the typed config; throws ConfigError on the first bad value. */
export function readConfig(vars: Vars): SiteConfig {
  const siteUrl = origin("SITE_URL", str(vars, "SITE_URL"));
  const title = str(vars, "SITE_TITLE");
  if (!title) throw new ConfigError("SITE_TITLE", "must not be empty");
  const lang = str(vars, "SITE_LANG", "zh-CN");
  try {
    if (!lang || Intl.getCanonicalLocales(lang).length !== 1) throw new Error();
  } catch {
    throw new ConfigError("SITE_LANG", `"${lang}" is not a BCP 47 language tag`);
  }
  const timeZone = str(vars, "SITE_TIMEZONE", "Asia/Shanghai");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone }).format(0);
  } catch {
    throw new ConfigError("SITE_TIMEZONE", `"${timeZone}" is not an IANA time zone`);
  }
  const author = str(vars, "SITE_AUTHOR", "");
  if (!author) throw new ConfigError("SITE_AUTHOR", "must not be empty (feeds need an author)");
  const fallback = str(vars, "SHARE_FALLBACK_ORIGIN", "");
  const feedMaxItems = int(vars, "FEED_MAX_ITEMS", 1000, FEED_MIN_ITEMS, 5000);
  const hub = str(vars, "WEBSUB_HUB", "");
  return {
    siteUrl,
    title,
    lang,
    timeZone,
    author,
    shareFallbackOrigin: fallback ? origin("SHARE_FALLBACK_ORIGIN", fallback) : null,
    feedWindowHours: int(vars, "FEED_WINDOW_HOURS", 24, 1, 24 * 31),
    feedMaxItems,
    feedFullItems: int(vars, "FEED_FULL_ITEMS", 20, 0, feedMaxItems),
    websubHub: hub ? httpUrl("WEBSUB_HUB", hub) : null,
    ingestMaxFiles: int(vars, "INGEST_MAX_FILES", 50, 1, 1000),
    ingestMaxBytes: int(vars, "INGEST_MAX_BYTES", 8_000_000, 100_000, 100_000_000),
    archive: archiveParts(str(vars, "ARCHIVE", "")),
    archiveMaxBytes: int(vars, "ARCHIVE_MAX_BYTES", 9_500_000_000, 10_000, 10_000_000_000),
  };
}

const BINDING = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `ARCHIVE`: comma-separated `BINDING` or `BINDING:YYYY-MM-DD` (the first local date it holds),
 * oldest first, e.g. `DB_2021, DB_2022:2022-01-01, DB:2023-01-01`. Empty: the one database `DB`.
 */
export function archiveParts(text: string): ArchivePart[] {
  if (!text.trim()) return [{ binding: PRIMARY_BINDING, from: null }];
  const parts = text.split(",").map((entry, i): ArchivePart => {
    const [binding = "", from, extra] = entry
      .trim()
      .split(":")
      .map((x) => x.trim());
    if (!BINDING.test(binding) || extra !== undefined) {
      throw new ConfigError("ARCHIVE", `entry ${i + 1} "${entry.trim()}" is not BINDING or BINDING:YYYY-MM-DD`);
    }
    if (i === 0 && from !== undefined) {
      throw new ConfigError("ARCHIVE", `the first database (${binding}) holds everything before the second: give it no date`);
    }
    if (i > 0) {
      const m = DAY.exec(from ?? "");
      const ok = m && new Date(`${from}T00:00:00Z`).toISOString().startsWith(from as string);
      if (!ok) throw new ConfigError("ARCHIVE", `${binding} needs the first local date it holds, as ${binding}:YYYY-MM-DD`);
    }
    return { binding, from: from ?? null };
  });
  for (let i = 2; i < parts.length; i++) {
    if ((parts[i]?.from as string) <= (parts[i - 1]?.from as string)) {
      throw new ConfigError("ARCHIVE", `dates must increase: ${parts[i]?.binding} starts on or before ${parts[i - 1]?.binding}`);
    }
  }
  const names = parts.map((p) => p.binding);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ConfigError("ARCHIVE", `${twice} is listed twice`);
  if (!names.includes(PRIMARY_BINDING)) {
    throw new ConfigError(
      "ARCHIVE",
      `must include ${PRIMARY_BINDING} (it keeps the archive's routing table and the Cron Trigger's state)`,
    );
  }
  return parts;
}
