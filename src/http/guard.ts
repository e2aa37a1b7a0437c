/**
 * @module http/guard
 * Cheap refusals before any routing or database work: methods other than
 * GET/HEAD outside the ingest API (405 with Allow), oversized URLs (414; search
 * URLs may be longer, see MAX_SEARCH_URL_LENGTH), and
 * security headers on every response.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { errorPage } from "./errors";

export const MAX_URL_LENGTH = 2048;
export const MAX_QUERY_LENGTH = 1024;
/**
 * Search URLs may be longer: a query pasted whole is answered by the search itself, with a 400
 * that says how long a query may be (routes/search), rather than a bare 414. Parsing refuses a
 * long query before any work on it.
 */
export const MAX_SEARCH_URL_LENGTH = 16_384;

/** Scripts: none at all. Styles: our stylesheet, plus the text-align attributes the sanitizer keeps. */
export const CSP =
  "default-src 'none'; script-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src https: http: data:; " +
  "font-src 'self'; connect-src 'none'; media-src https:; object-src 'none'; frame-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const securityHeaders = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    if ((h.get("Content-Type") ?? "").startsWith("text/html")) {
      h.set("Content-Security-Policy", CSP);
      h.set("X-Frame-Options", "DENY");
      h.set("Cross-Origin-Opener-Policy", "same-origin");
      h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    }
  });

export const requestGuard = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD" && !new URL(c.req.url).pathname.startsWith("/api/")) {
      return errorPage(c, 405, { headers: { Allow: "GET, HEAD" } });
    }
    const url = c.req.url;
    const q = url.indexOf("?");
    const path = c.req.path;
    if (path === "/search" || path.startsWith("/search/")) {
      if (url.length > MAX_SEARCH_URL_LENGTH) return errorPage(c, 414);
    } else if (url.length > MAX_URL_LENGTH || (q >= 0 && url.length - q - 1 > MAX_QUERY_LENGTH)) {
      return errorPage(c, 414);
    }
    await next();
  });
