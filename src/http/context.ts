/**
 * @module http/context
 * Per-request setup: request id, validated config (once per isolate), the
 * request's "now", the render version, and a D1 read session whose queries
 * have a deadline.
 */
import { createMiddleware } from "hono/factory";
import { readConfig, type SiteConfig } from "../config";
import { withDeadline } from "../db/deadline";
import { bindingsOf, type Shard } from "../db/archive";
import type { WriteTarget } from "../db/archive-sync";
import type { Archive, Db } from "../db/repository";
import { d1Executor } from "../db/sync";
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

/** Hosts only a local server answers for: Cloudflare never routes them to a deployed Worker. */
const LOOPBACK = /^(?:localhost|.+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** One config per local origin seen (a handful under `wrangler dev`), so each is the same object per request. */
const localConfigs = new Map<string, { base: SiteConfig; local: SiteConfig }>();

/**
 * The config a request is answered with. Under `wrangler dev` (a loopback host) links, redirects,
 * canonicals and feed URLs use the origin the request came to, so local browsing stays local;
 * deployed, SITE_URL as configured. Post bodies are unaffected: the seed resolves links to the
 * production host into site paths when it stores them.
 */
export function configForRequest(config: SiteConfig, url: string): SiteConfig {
  const { hostname, origin } = new URL(url);
  if (!LOOPBACK.test(hostname) || origin === config.siteUrl) return config;
  const known = localConfigs.get(origin);
  if (known?.base === config) return known.local;
  if (localConfigs.size >= 16) localConfigs.clear();
  const local = { ...config, siteUrl: origin };
  localConfigs.set(origin, { base: config, local });
  return local;
}

/**
 * A database of one request's archive, opened as a read session with a deadline on first use.
 * `db` is a getter: spreading a ReadShard (`{ ...s }`) would drop it, so pass the object itself.
 */
class ReadShard implements Shard<Db> {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  private readonly binding: D1Database;
  private session: Db | undefined;
  constructor(s: Shard<D1Database>) {
    this.name = s.name;
    this.from = s.from;
    this.to = s.to;
    this.binding = s.db;
  }
  get db(): Db {
    this.session ??= withDeadline(
      this.binding.withSession ? this.binding.withSession("first-unconstrained") : this.binding,
      QUERY_DEADLINE_MS,
    );
    return this.session;
  }
}

/**
 * Every database of the archive as a read session whose queries have a deadline, opened when first
 * asked (a request asks one or two, however many there are). Reads tolerate replica lag of a few
 * seconds: news pages are cached for a minute anyway.
 */
export function readArchive(env: Env, config: SiteConfig): Archive {
  return { timeZone: config.timeZone, shards: archiveBindings(env).map((s) => new ReadShard(s)) };
}

/** The archive's D1 bindings themselves (writes, and the Cron Trigger's jobs), newest first. */
export function archiveBindings(env: Env): Shard<D1Database>[] {
  const config = configFor(env);
  if (bound?.env === env && bound.config === config) return bound.shards;
  const shards = bindingsOf<D1Database>(env as unknown as Record<string, unknown>, config.archive, config.timeZone);
  bound = { env, config, shards };
  return shards;
}

/** The bindings of the isolate's env (one per isolate in practice), looked up once. */
let bound: { env: Env; config: SiteConfig; shards: Shard<D1Database>[] } | null = null;

/** The archive as the write path's target (db/archive-sync). */
export function writeTarget(env: Env): WriteTarget {
  const config = configFor(env);
  return {
    shards: archiveBindings(env).map((s) => ({ ...s, db: d1Executor(s.db) })),
    timeZone: config.timeZone,
    maxBytes: config.archiveMaxBytes,
  };
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
    c.set("config", configForRequest(configFor(c.env), c.req.url));
    c.set("db", readArchive(c.env, c.get("config")));
    await next();
    c.header("X-Request-Id", requestId);
  });
