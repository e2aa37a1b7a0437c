/**
 * @module http/cached-route
 * The one contract every cached route follows:
 *
 *   cachedRoute({ policy, load, version, tags, render })
 *
 * - `load(c)` reads the parameters and runs the route's one small indexed
 *   query. It runs once per request; its result is handed to the other three
 *   (nothing is kept outside the call). It may answer by itself with a
 *   Response (400, 404, a redirect), which is sent as it is.
 * - `version(data)` says what the response would show (ids, times, hashes),
 *   or null when that cannot be told without rendering; it becomes the ETag
 *   (with the render version) and Last-Modified, so a matching conditional
 *   request is a 304 after `load` alone.
 * - `tags(data)` names the cache tags of the response (src/db/changes.ts).
 * - `render(data)` builds the response; it runs only on a miss.
 *
 * Around them: the edge cache (src/http/edge.ts), validators, Cache-Control
 * for clients and for the edge, and stale copies when the database fails.
 */
import type { Context, Handler } from "hono";
import type { AppEnv } from "../env";
import { cacheTagHeader } from "./tags";
import { edgeMode, findCopy, fromCopy, isCurrent, storeCopy, type EdgeCopy } from "./edge";
import { type CachePolicy, clientCacheControl, edgeCacheControl } from "./policies";
import { fnv1a } from "../content/text";
import { etagFor, hasValidators, notModified, notModifiedResponse } from "./validators";

export interface Version {
  /** Opaque text that changes whenever the response would. */
  version: string;
  /** epoch ms of the newest change shown */
  lastModified?: number;
}

export interface CachedRoute<T> {
  policy: CachePolicy;
  load(c: Context<AppEnv>): Promise<T | Response>;
  version(data: T, c: Context<AppEnv>): Version | null;
  tags(data: T, c: Context<AppEnv>): string[];
  render(data: T, c: Context<AppEnv>): Response | Promise<Response>;
}

function serveStale(c: Context<AppEnv>, copy: EdgeCopy, policy: CachePolicy, err: unknown): Response {
  console.warn(JSON.stringify({ level: "warn", requestId: c.get("requestId"), msg: "serving stale copy", error: String(err) }));
  return fromCopy(c, copy, policy, "STALE");
}

/** Sets the caching headers every cacheable response (200 or 304) carries. */
function label(h: Headers, policy: CachePolicy, tags: string[], etag: string, lastModified: number | undefined): void {
  h.set("ETag", etag);
  if (lastModified) h.set("Last-Modified", new Date(lastModified).toUTCString());
  h.set("Cache-Control", clientCacheControl(policy));
  h.set("Cloudflare-CDN-Cache-Control", edgeCacheControl(policy));
  if (tags.length) h.set("Cache-Tag", cacheTagHeader(tags));
}

export function cachedRoute<T>(route: CachedRoute<T>): Handler<AppEnv> {
  const { policy } = route;
  return async (c) => {
    const req = c.req.raw;
    const mode = edgeMode(c);
    // A conditional request is answered from `load` alone (one query), never from a copy.
    const copy = mode === "emulated" ? await findCopy(c) : null;
    if (copy && !hasValidators(req)) {
      try {
        if (await isCurrent(c, copy)) return fromCopy(c, copy, policy, "HIT");
      } catch (err) {
        return serveStale(c, copy, policy, err);
      }
    }

    let data: T;
    let tags: string[];
    let v: Version | null;
    let etag: string | null = null;
    let res: Response;
    try {
      const loaded = await route.load(c);
      if (loaded instanceof Response) return loaded;
      data = loaded;
      tags = route.tags(data, c);
      v = route.version(data, c);
      const renderVersion = c.get("renderVersion");
      if (v) {
        etag = etagFor(renderVersion, c.req.url, v.version, c.get("config"));
        if (notModified(req, etag, v.lastModified ?? null)) {
          const h = new Headers({ "X-Request-Id": c.get("requestId") });
          label(h, policy, tags, etag, v.lastModified);
          return notModifiedResponse(h);
        }
      }
      res = await route.render(data, c);
    } catch (err) {
      if (copy) return serveStale(c, copy, policy, err);
      throw err;
    }
    if (res.status !== 200) return res;

    // Without a version, the ETag hashes the body.
    etag ??= etagFor(c.get("renderVersion"), c.req.url, fnv1a(await res.clone().text()), c.get("config"));
    label(res.headers, policy, tags, etag, v?.lastModified);
    if (mode === "emulated") {
      if (c.req.method === "GET") storeCopy(c, res, tags, policy);
      res.headers.set("X-Cache", "MISS");
    }
    if (notModified(req, etag, v?.lastModified ?? null)) return notModifiedResponse(res.headers);
    if (c.req.method === "HEAD") return new Response(null, res);
    return res;
  };
}
