/**
 * @module http/context
 * Per-request setup: request id, validated config (once per isolate), the
 * request's "now", the render version, and a D1 read session whose queries
 * have a deadline.
 */
import { createMiddleware } from "hono/factory";
import { readConfig, type SiteConfig } from "../config";
import { withDeadline } from "../db/deadline";
import type { AppEnv } from "../env";

/** A hung replica must become a quick 503 (or the stale edge copy), not a hung reader (docs/security.md). */
export const QUERY_DEADLINE_MS = 3000;

let cached: { env: Env; config: SiteConfig } | null = null;

/** Validates config once per isolate; a bad value throws ConfigError on every request until fixed. */
export function configFor(env: Env): SiteConfig {
  if (cached?.env === env) return cached.config;
  const config = readConfig(env as unknown as Record<string, unknown>);
  cached = { env, config };
  return config;
}

// Cloudflare sets cf-ray at the edge, but under `wrangler dev` (or behind another proxy) it is
// client input that is echoed in a header and on error pages: only a plausible ray id is trusted.
const RAY = /^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/;

export const requestContext = (renderVersion: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("renderVersion", renderVersion);
    const ray = c.req.header("cf-ray");
    const requestId = ray && RAY.test(ray) ? ray : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("now", Date.now());
    c.set("config", configFor(c.env));
    // Reads tolerate replica lag of a few seconds: news pages are cached for a minute anyway.
    const session = c.env.DB.withSession ? c.env.DB.withSession("first-unconstrained") : c.env.DB;
    c.set("db", withDeadline(session, QUERY_DEADLINE_MS));
    await next();
    c.header("X-Request-Id", requestId);
  });
