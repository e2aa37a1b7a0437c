/**
 * @module http/context
 * Per-request setup: request id, validated config (once per isolate), the
 * request's "now", and a D1 read session.
 */
import { createMiddleware } from "hono/factory";
import { ConfigError, readConfig, type SiteConfig } from "../config";
import type { AppEnv } from "../env";

let cached: { env: Env; config: SiteConfig } | null = null;

/** Validates config once per isolate; a bad value throws ConfigError on every request until fixed. */
export function configFor(env: Env): SiteConfig {
  if (cached?.env === env) return cached.config;
  const config = readConfig(env as unknown as Record<string, unknown>);
  cached = { env, config };
  return config;
}

export const requestContext = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("now", Date.now());
    c.set("config", configFor(c.env));
    // Reads tolerate replica lag of a few seconds: news pages are cached for a minute anyway.
    c.set("db", c.env.DB.withSession ? c.env.DB.withSession("first-unconstrained") : c.env.DB);
    await next();
    c.header("X-Request-Id", requestId);
  });

export { ConfigError };
