/**
 * @module http/errors
 * The one place failures become responses: database trouble is a 503 with
 * Retry-After, a bad config a 500 naming the variable, anything else a plain
 * 500. Never a stack trace; every error is logged with the request id.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config";
import type { AppEnv } from "../env";
import { renderError } from "../views/errors";

function isDatabaseError(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /D1_|SQLITE|database|D1 |Network connection lost|timed? ?out|storage/i.test(msg);
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  if (err instanceof HTTPException) return err.getResponse();
  const config = c.get("config");
  console.error(JSON.stringify({ level: "error", requestId, path: c.req.path, error: err.name, message: err.message }));
  if (err instanceof ConfigError) {
    return c.text(`Site misconfigured: ${err.message} (request ${requestId})`, 500, { "X-Request-Id": requestId });
  }
  const status = isDatabaseError(err) ? 503 : 500;
  const headers: Record<string, string> = { "X-Request-Id": requestId, "Cache-Control": "no-store" };
  if (status === 503) headers["Retry-After"] = "30";
  if (!config) return c.text(status === 503 ? "Service temporarily unavailable" : "Internal error", status, headers);
  return c.html(renderError(config, status, requestId), status, headers);
}
