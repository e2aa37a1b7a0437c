/**
 * @module content/dates
 * Front-matter dates and time-zone arithmetic, with Intl only (no tz database
 * of our own), so the seed script and the Worker agree on every local date.
 */

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ParsedDate extends DateParts {
  /** Offset east of UTC in minutes, or null when the text had none. */
  offsetMinutes: number | null;
}

const DATE_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses `YYYY-MM-DD[ HH:MM[:SS]][ ±HHMM]`; null when the text is not such a date or names an impossible day. */
export function parseDate(text: string): ParsedDate | null {
  const m = DATE_RE.exec(text.trim());
  if (!m) return null;
  const parts: ParsedDate = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    offsetMinutes: m[7] ? 0 : m[8] ? (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : null,
  };
  if (!validParts(parts)) return null;
  return parts;
}

export function validParts(p: DateParts): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60) return false;
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
  return d.getUTCFullYear() === p.year && d.getUTCMonth() === p.month - 1 && d.getUTCDate() === p.day;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a time zone. */
export function localParts(ms: number, timeZone: string): DateParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Offset of a time zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** The instant of a parsed date: its own offset, else wall time in `timeZone`. */
export function toInstant(d: ParsedDate, timeZone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second);
  if (d.offsetMinutes !== null) return wall - d.offsetMinutes * 60000;
  // Two passes settle DST transitions: guess with the offset at the wall time read as UTC.
  let ms = wall - zoneOffsetMinutes(wall, timeZone) * 60000;
  ms = wall - zoneOffsetMinutes(ms, timeZone) * 60000;
  return ms;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `YYYY-MM-DD` of wall-clock parts. */
export const dayOf = (p: DateParts): string => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;

/** `HH:MM:SS` of wall-clock parts. */
export const timeOf = (p: DateParts): string => `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): string {
  return dayOf(localParts(ms, timeZone));
}

/** ISO 8601 with the zone's offset, e.g. 2022-06-15T11:34:30+08:00 (what `<time datetime>` shows). */
export function isoLocal(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = zoneOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return `${dayOf(p)}T${timeOf(p)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Human form for pages: 2022-06-15 11:34 */
export function displayLocal(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${dayOf(p)} ${pad(p.hour)}:${pad(p.minute)}`;
}
