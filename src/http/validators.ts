/**
 * @module http/validators
 * ETags and conditional requests. An ETag is the render version (a hash of
 * the code that renders, src/render-version.ts), then a hash of the URL, of
 * what the route says its data is (its `version`), and of the site config:
 * it changes whenever the output could, and only then.
 */
import type { SiteConfig } from "../config";
import { fnv1a } from "../content/text";

/** Every setting can change what a response shows (feed sizes and hubs included). */
export function etagFor(renderVersion: string, url: string, version: string, cfg: SiteConfig): string {
  return `"${renderVersion}-${fnv1a(`${url}\n${version}\n${JSON.stringify(cfg)}`)}"`;
}

export function hasValidators(req: Request): boolean {
  return req.headers.has("If-None-Match") || req.headers.has("If-Modified-Since");
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

/** The headers a 304 repeats (RFC 9110 15.4.5), taken from the full response it stands for. */
const KEEP_ON_304 = [
  "ETag",
  "Last-Modified",
  "Cache-Control",
  "Cloudflare-CDN-Cache-Control",
  "Cache-Tag",
  "X-Request-Id",
  "Vary",
];

export function notModifiedResponse(from: Headers): Response {
  const h = new Headers();
  for (const k of KEEP_ON_304) {
    const v = from.get(k);
    if (v) h.set(k, v);
  }
  return new Response(null, { status: 304, headers: h });
}
