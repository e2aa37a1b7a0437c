/**
 * @module http/policies
 * How long each kind of response may be reused. Browsers and feed readers
 * follow `maxAge`; the edge keeps a copy `edgeFresh` seconds, and drops it
 * sooner when its cache tags change (src/http/edge.ts), so writes show at
 * once while time alone (a scheduled post falling due) shows within `edgeFresh`.
 */

export interface CachePolicy {
  /** Browser / feed-reader freshness, seconds. */
  maxAge: number;
  /** How long an edge copy may answer without the route running, seconds (tags can end it sooner). */
  edgeFresh: number;
  staleWhileRevalidate: number;
}

/** Lists and feeds: new posts are purged in, scheduled ones appear within a minute. */
export const LIVE: CachePolicy = { maxAge: 60, edgeFresh: 60, staleWhileRevalidate: 600 };
/** Articles change only when rewritten, which purges them: the edge keeps them a day. */
export const ARTICLE: CachePolicy = { maxAge: 300, edgeFresh: 86400, staleWhileRevalidate: 86400 };
/** Stylesheet, icon, robots.txt: change only with a deploy (which starts a new edge cache). */
export const STATIC: CachePolicy = { maxAge: 3600, edgeFresh: 86400, staleWhileRevalidate: 86400 };

/** Serve a stale copy this long when the database fails (RFC 5861 stale-if-error). */
export const STALE_IF_ERROR = 86400;

/** Cache-Control for browsers and feed readers. */
export function clientCacheControl(p: CachePolicy): string {
  return `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}, stale-if-error=${STALE_IF_ERROR}`;
}

/**
 * Cache-Control for Cloudflare's edge only (Workers Cache reads it first and strips it from what
 * clients get). `max-age`, not `s-maxage`, which would disable stale-while-revalidate there.
 */
export function edgeCacheControl(p: CachePolicy): string {
  return `max-age=${p.edgeFresh}, stale-while-revalidate=${p.staleWhileRevalidate}, stale-if-error=${STALE_IF_ERROR}`;
}

/** Edge caching off for an answer that a later write may change but no tag names (404s). */
export const EDGE_NO_STORE = { "Cloudflare-CDN-Cache-Control": "no-store" } as const;
