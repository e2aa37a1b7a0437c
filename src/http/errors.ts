/**
 * @module http/errors
 * The one place failures become responses: database trouble is a 503 with
 * Retry-After, a bad config a 500 naming the variable, anything else a plain
 * 500. Never a stack trace; every error is logged with the request id.
 * Client errors (400/404/405/414) are HTML pages too, built by errorPage.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError, type SiteConfig } from "../config";
import type { AppEnv } from "../env";
import { renderError } from "../views/errors";
import { configFor } from "./context";
import { EDGE_NO_STORE } from "./policies";

function isDatabaseError(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /D1_|SQLITE|database|D1 |Network connection lost|timed? ?out|storage/i.test(msg);
}

// A 404 may become a 200 once a post is seeded or due: browsers keep it a minute, the edge not at all
// (no cache tag names a post that does not exist yet). Other client errors are not cached.
const CACHE_HEADERS: Record<number, Record<string, string>> = {
  404: { "Cache-Control": "public, max-age=60", ...EDGE_NO_STORE },
};

/**
 * An HTML error page for a client error. Works before the request context
 * exists (the guard runs first); falls back to plain text when the config is
 * broken, so a bad variable never hides the real status.
 */
export function errorPage(
  c: Context<AppEnv>,
  status: 400 | 404 | 405 | 414,
  opts: { category?: { name: string; label: string } | null; headers?: Record<string, string> } = {},
): Response {
  const config = configOf(c);
  const headers = { ...(CACHE_HEADERS[status] ?? { "Cache-Control": "no-store" }), ...opts.headers };
  if (!config) return c.text(renderErrorText(status), status, headers);
  return c.html(renderError(config, status, c.get("requestId"), opts.category ?? null), status, headers);
}

function configOf(c: Context<AppEnv>): SiteConfig | null {
  const set = c.get("config");
  if (set) return set;
  try {
    return configFor(c.env);
  } catch {
    return null;
  }
}

function renderErrorText(status: number): string {
  return status === 404 ? "Not Found" : status === 405 ? "Method Not Allowed" : status === 414 ? "URI Too Long" : "Bad Request";
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  if (err instanceof HTTPException) return err.getResponse();
  const config = c.get("config");
  console.error(JSON.stringify({ level: "error", requestId, path: c.req.path, error: err.name, message: err.message }));
  if (err instanceof ConfigError) {
    return c.text(`Site misconfigured: ${err.message} (request ${requestId})`, 500, {
      "X-Request-Id": requestId,
      "Cache-Control": "no-store",
    });
  }
  const status = isDatabaseError(err) ? 503 : 500;
  const headers: Record<string, string> = { "X-Request-Id": requestId, "Cache-Control": "no-store" };
  if (status === 503) headers["Retry-After"] = "30";
  // The ingest API's clients are programs: JSON, and a schema never migrated said as such.
  if (new URL(c.req.url).pathname.startsWith("/api/")) {
    const error = /no such (table|column)/i.test(err.message)
      ? "the database lacks tables or columns: apply the migrations (npm run deploy, or npx wrangler d1 migrations apply DB --remote)"
      : status === 503
        ? "the database is unavailable; try again later"
        : "internal error";
    return c.json({ error, requestId }, status, headers);
  }
  if (!config) return c.text(status === 503 ? "Service temporarily unavailable" : "Internal error", status, headers);
  return c.html(renderError(config, status, requestId), status, headers);
}
