/**
 * @module http/cache
 * HTTP caching for every GET route, as one middleware factory:
 *  - edge cache (Cache API): a fresh copy answers without touching D1; a
 *    stale copy is regenerated, and served if regeneration hits a database error;
 *  - validators: a route may give a cheap `validate` function (one small
 *    indexed query) so If-None-Match / If-Modified-Since answer 304 before any
 *    rendering; otherwise the ETag is a hash of the rendered body;
 *  - Cache-Control per policy.
 */
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

export interface CachePolicy {
  /** Browser / feed-reader freshness, seconds. */
  maxAge: number;
  /** How long the edge copy counts as fresh, seconds. New posts show up within this. */
  edgeFresh: number;
  staleWhileRevalidate: number;
}

/** Lists and feeds: a newly seeded post is visible within a minute. */
export const LIVE: CachePolicy = { maxAge: 60, edgeFresh: 60, staleWhileRevalidate: 600 };
/** Articles change rarely. */
export const ARTICLE: CachePolicy = { maxAge: 300, edgeFresh: 300, staleWhileRevalidate: 86400 };
/** Keep stale edge copies this long, to serve while D1 is down. */
const EDGE_KEEP = 86400;
/** Bump when templates change so validators from older renderings stop matching. */
export const RENDER_VERSION = "r2";

export interface Validation {
  /** Opaque version of everything the response shows; null = cannot tell cheaply (route renders). */
  version: string;
  /** epoch ms of the newest change shown */
  lastModified?: number;
}

export type Validate = (c: Context<AppEnv>) => Promise<Validation | null>;

function fnv1a(text: string): string {
  // 53-bit FNV-1a variant: plenty for validators, no async crypto on the hot path.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return ((h2 >>> 0) * 2097152 + ((h1 >>> 0) & 0x1fffff)).toString(36);
}

function etagFor(c: Context<AppEnv>, version: string): string {
  const cfg = c.get("config");
  return `"${RENDER_VERSION}-${fnv1a(`${c.req.url}\n${version}\n${cfg.siteUrl}\n${cfg.title}\n${cfg.lang}\n${cfg.timeZone}\n${cfg.author}`)}"`;
}

function cacheControl(p: CachePolicy): string {
  return `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}, stale-if-error=86400`;
}

/** True when the request's validators match (If-None-Match wins over If-Modified-Since). */
export function notModified(req: Request, etag: string | null, lastModified: number | null): boolean {
  const inm = req.headers.get("If-None-Match");
  if (inm !== null) {
    if (!etag) return false;
    const bare = etag.replace(/^W\//, "");
    return inm.trim() === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
  }
  const ims = req.headers.get("If-Modified-Since");
  if (ims !== null && lastModified) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}

function status304(from: Headers): Response {
  const h = new Headers();
  for (const k of ["ETag", "Last-Modified", "Cache-Control", "X-Request-Id", "Vary"]) {
    const v = from.get(k);
    if (v) h.set(k, v);
  }
  return new Response(null, { status: 304, headers: h });
}

const FRESH_HEADER = "X-Edge-Fresh-Until";

function edgeCache(): Cache | null {
  return typeof caches !== "undefined" && "default" in caches ? (caches as unknown as { default: Cache }).default : null;
}

function toClient(res: Response, c: Context<AppEnv>, policy: CachePolicy, headOnly: boolean, state: string): Response {
  const out = new Response(headOnly ? null : res.body, res);
  out.headers.delete(FRESH_HEADER);
  out.headers.set("Cache-Control", cacheControl(policy));
  out.headers.set("X-Cache", state);
  out.headers.set("X-Request-Id", c.get("requestId"));
  return out;
}

export function cached(policy: CachePolicy, validate?: Validate): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();
    const headOnly = method === "HEAD";
    const cache = edgeCache();
    const key = new Request(c.req.url, { method: "GET" });
    const hit = cache ? await cache.match(key) : undefined;
    const fresh = hit && Number(hit.headers.get(FRESH_HEADER) ?? 0) > c.get("now");
    if (hit && fresh) {
      if (notModified(c.req.raw, hit.headers.get("ETag"), Date.parse(hit.headers.get("Last-Modified") ?? "") || null)) {
        return status304(toClient(hit, c, policy, true, "HIT").headers);
      }
      return toClient(hit, c, policy, headOnly, "HIT");
    }

    try {
      if (validate) {
        const v = await validate(c);
        if (v) {
          const etag = etagFor(c, v.version);
          if (notModified(c.req.raw, etag, v.lastModified ?? null)) {
            const h = new Headers({ ETag: etag, "Cache-Control": cacheControl(policy), "X-Request-Id": c.get("requestId") });
            if (v.lastModified) h.set("Last-Modified", new Date(v.lastModified).toUTCString());
            return new Response(null, { status: 304, headers: h });
          }
          c.set("validation", v);
        }
      }
      await next();
    } catch (err) {
      if (hit) {
        console.error(
          JSON.stringify({ level: "warn", requestId: c.get("requestId"), msg: "serving stale copy", error: String(err) }),
        );
        return toClient(hit, c, policy, headOnly, "STALE");
      }
      throw err;
    }

    const res = c.res;
    if (res.status !== 200) return;
    const v = c.get("validation");
    let etag = res.headers.get("ETag");
    if (!etag) {
      if (v) etag = etagFor(c, v.version);
      else etag = etagFor(c, fnv1a(await res.clone().text()));
      res.headers.set("ETag", etag);
    }
    if (v?.lastModified && !res.headers.has("Last-Modified"))
      res.headers.set("Last-Modified", new Date(v.lastModified).toUTCString());
    res.headers.set("Cache-Control", cacheControl(policy));
    if (cache && !headOnly) {
      const stored = new Response(res.clone().body, res);
      stored.headers.set("Cache-Control", `public, max-age=${EDGE_KEEP}`);
      stored.headers.set(FRESH_HEADER, String(c.get("now") + policy.edgeFresh * 1000));
      stored.headers.delete("X-Request-Id");
      c.executionCtx.waitUntil(cache.put(key, stored).catch(() => undefined));
    }
    res.headers.set("X-Cache", "MISS");
    if (notModified(c.req.raw, etag, v?.lastModified ?? null)) {
      c.res = status304(res.headers);
    } else if (headOnly) {
      c.res = new Response(null, res);
    }
  });
}
