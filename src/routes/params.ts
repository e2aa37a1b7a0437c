/**
 * @module routes/params
 * Parsing of the few request parameters routes accept; bad values are 400s, not guesses.
 */
import type { Cursor } from "../db/repository";

/** `?before=<publishedAt>.<id>`; undefined when absent, null when malformed. */
export function parseCursor(v: string | undefined): Cursor | undefined | null {
  if (v === undefined || v === "") return undefined;
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(v);
  if (!m) return null;
  return { publishedAt: Number(m[1]), id: Number(m[2]) };
}

export const cursorParam = (c: Cursor) => `${c.publishedAt}.${c.id}`;

/** Lookup key of a category or tag name from the URL (already percent-decoded): the seed's own rule. */
export { termKey } from "../content/permalink";

/** decodeURIComponent that answers null instead of throwing on malformed escapes. */
export function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The first path segment, decoded (`/emnews/…` and `/emnews` → "emnews"), or null. */
export function firstSegment(pathname: string): string | null {
  const m = /^\/([^/]+)/.exec(pathname);
  return m ? decodeSegment(m[1] as string) : null;
}
