/**
 * @module http/edge
 * The edge cache in front of every cached route, in one of two forms
 * (docs/architecture.md, "Caching", says why):
 *  - Workers Cache, in production (`[cache] enabled = true`, so `ctx.cache`
 *    exists): Cloudflare answers hits before the Worker runs, across data
 *    centres. The Worker only labels its responses (edge Cache-Control,
 *    Cache-Tag) and purges tags that changed (src/http/purge.ts).
 *  - Emulated on the Cache API, wherever Workers Cache is absent (wrangler
 *    dev, the tests, a deploy without it): the same contract, per data
 *    centre. A copy is kept with its tags, render version and the time it
 *    was rendered, and answers only while fresh and while none of its tags
 *    has changed since (one indexed query on the change log, which every
 *    write fills), so a seeded post shows on the next request here too.
 */
import type { Context } from "hono";
import type { SiteConfig } from "../config";
import { changedSince } from "../db/repository";
import type { AppEnv } from "../env";
import { type CachePolicy, clientCacheControl } from "./policies";
import { fnv1a } from "../content/text";

export type EdgeMode = "workers-cache" | "emulated" | "none";

/** Internal headers of an emulated copy; never sent to clients. */
const STORED_AT = "X-Edge-Stored-At";
const FRESH_UNTIL = "X-Edge-Fresh-Until";
const RENDER = "X-Edge-Rendering";
const TAGS = "X-Edge-Tags";
const INTERNAL = [STORED_AT, FRESH_UNTIL, RENDER, TAGS];
/** Emulated copies are kept this long, to answer while the database is down (stale-if-error). */
const EDGE_KEEP = 86400;
/**
 * A change stamped up to this long before a copy was rendered still voids it: the change log is
 * dated by D1's clock, the copy by the Worker's (the same machine locally; NTP-synchronised hosts
 * on Cloudflare).
 */
export const CLOCK_MARGIN_MS = 250;

function workersCache(c: Context<AppEnv>): CacheContext | undefined {
  try {
    // Hono types its own ExecutionContext, without Workers Cache's `cache`.
    return (c.executionCtx as Partial<ExecutionContext>).cache;
  } catch {
    return undefined; // no execution context (app.request in a test without one)
  }
}

/** The config a fingerprint was last computed for (one per isolate in practice). */
let fingerprinted: { config: SiteConfig; value: string } | null = null;

/**
 * What a copy was rendered by: the code (render version) and the settings. On Cloudflare a new
 * deploy starts a new cache; a local edge outlives restarts with other `--var`s.
 */
function rendering(c: Context<AppEnv>): string {
  const config = c.get("config");
  if (fingerprinted?.config !== config) fingerprinted = { config, value: fnv1a(JSON.stringify(config)) };
  return `${c.get("renderVersion")}:${fingerprinted.value}`;
}

export function edgeMode(c: Context<AppEnv>): EdgeMode {
  if (workersCache(c)) return "workers-cache";
  return typeof caches !== "undefined" && "default" in caches ? "emulated" : "none";
}

const cacheApi = () => (caches as unknown as { default: Cache }).default;
const keyOf = (c: Context<AppEnv>) => new Request(c.req.url, { method: "GET" });

export interface EdgeCopy {
  res: Response;
  storedAt: number;
  freshUntil: number;
  /** The code and settings that rendered it. */
  rendering: string;
  tags: string[];
}

/** The emulated edge's copy of this URL, whatever its state. */
export async function findCopy(c: Context<AppEnv>): Promise<EdgeCopy | null> {
  const res = await cacheApi().match(keyOf(c));
  if (!res) return null;
  let tags: string[] = [];
  try {
    tags = JSON.parse(decodeURIComponent(res.headers.get(TAGS) ?? "[]")) as string[];
  } catch {
    tags = [];
  }
  return {
    res,
    storedAt: Number(res.headers.get(STORED_AT) ?? 0),
    freshUntil: Number(res.headers.get(FRESH_UNTIL) ?? 0),
    rendering: res.headers.get(RENDER) ?? "",
    tags,
  };
}

/**
 * True when the copy may answer for the route: same rendering code and settings, still fresh, and no tag of it
 * changed since it was rendered. Throws when the change log cannot be read.
 */
export async function isCurrent(c: Context<AppEnv>, copy: EdgeCopy): Promise<boolean> {
  if (!copy.storedAt || copy.rendering !== rendering(c) || copy.freshUntil <= c.get("now")) return false;
  return !(await changedSince(c.get("db"), copy.tags, copy.storedAt - CLOCK_MARGIN_MS));
}

/** Keeps a 200 response as the emulated edge's copy (in the background). */
export function storeCopy(c: Context<AppEnv>, res: Response, tags: string[], policy: CachePolicy): void {
  const stored = new Response(res.clone().body, res);
  stored.headers.set("Cache-Control", `public, max-age=${EDGE_KEEP}`);
  stored.headers.set(STORED_AT, String(c.get("now")));
  stored.headers.set(FRESH_UNTIL, String(c.get("now") + policy.edgeFresh * 1000));
  stored.headers.set(RENDER, rendering(c));
  stored.headers.set(TAGS, encodeURIComponent(JSON.stringify(tags)));
  stored.headers.delete("X-Request-Id");
  stored.headers.delete("X-Cache");
  c.executionCtx.waitUntil(
    cacheApi()
      .put(keyOf(c), stored)
      .catch(() => undefined),
  );
}

/** A copy as this request's response: `state` is HIT, or STALE when served because the database failed. */
export function fromCopy(c: Context<AppEnv>, copy: EdgeCopy, policy: CachePolicy, state: "HIT" | "STALE"): Response {
  const out = new Response(c.req.method === "HEAD" ? null : copy.res.body, copy.res);
  for (const h of INTERNAL) out.headers.delete(h);
  out.headers.set("Cache-Control", clientCacheControl(policy));
  out.headers.set("X-Cache", state);
  out.headers.set("X-Request-Id", c.get("requestId"));
  return out;
}
