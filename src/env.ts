/**
 * @module env
 * The Hono environment every route and middleware shares.
 */
import type { SiteConfig } from "./config";
import type { Db } from "./db/repository";
import type { Validation } from "./http/cache";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: SiteConfig;
    /** D1 read session for this request (replica-friendly, see docs/architecture.md). */
    db: Db;
    requestId: string;
    /** Request time in epoch ms: the one "now" that decides visibility for this request. */
    now: number;
    /** Set by the cache layer when a route's cheap validator ran. */
    validation: Validation | undefined;
  };
}
