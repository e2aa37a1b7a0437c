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

/** Lowercased lookup key of a category or tag name from the URL (already percent-decoded by Hono). */
export function termKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
