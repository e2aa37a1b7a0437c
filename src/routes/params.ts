/**
 * @module routes/params
 * Parsing of the few request parameters routes accept; bad values are 400s, not guesses.
 */
import type { Context } from "hono";
import { parseQuery, type QueryProblem } from "../content/search-text";
import { type Cursor, liveCategory, type SearchSpec, type Term } from "../db/repository";
import type { AppEnv } from "../env";
import { termKey } from "../content/permalink";

/** `?before=<publishedAt>.<id>`; undefined when absent, null when malformed. */
export function parseCursor(v: string | undefined): Cursor | undefined | null {
  if (v === undefined || v === "") return undefined;
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(v);
  if (!m) return null;
  return { publishedAt: Number(m[1]), id: Number(m[2]) };
}

export const cursorParam = (c: Cursor) => `${c.publishedAt}.${c.id}`;

/** Lookup key of a category or tag name from the URL (already percent-decoded): the seed's own rule. */
export { termKey };

/** Crawlers keep out of search result pages and feeds (the page also says so in its head). */
export const NOINDEX = { "X-Robots-Tag": "noindex" };

/** A search as asked: the query as shown back, what the index is asked, and the category it is narrowed to. */
export interface SearchRequest {
  status: 200;
  q: string;
  spec: SearchSpec;
  category: Term | null;
}

/**
 * `?q=` and `?category=` of the search page and feeds: the search, or why not (400: the query;
 * 404: a category with no visible post). A query never reaches the index unparsed.
 */
export async function searchRequest(
  c: Context<AppEnv>,
): Promise<SearchRequest | { status: 400; problem: QueryProblem } | { status: 404; reason: string }> {
  const parsed = parseQuery(c.req.query("q") ?? "");
  if (!parsed.ok) return { status: 400, problem: parsed };
  const name = c.req.query("category") ?? "";
  if (!name) return { status: 200, q: parsed.text, spec: { match: parsed.match, category: null }, category: null };
  const category = await liveCategory(c.get("db"), termKey(name), c.get("now"));
  if (!category) return { status: 404, reason: `no category named "${name.slice(0, 100)}"` };
  return { status: 200, q: parsed.text, spec: { match: parsed.match, category: category.key }, category };
}

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
