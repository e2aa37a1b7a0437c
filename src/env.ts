/**
 * @module env
 * The Hono environment every route and middleware shares.
 */
import type { SiteConfig } from "./config";
import type { Archive } from "./db/repository";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: SiteConfig;
    /** D1 read sessions of every database of the archive for this request (replica-friendly, see docs/architecture.md). */
    db: Archive;
    requestId: string;
    /** Request time in epoch ms: the one "now" that decides visibility for this request. */
    now: number;
    /** Hash of the code that renders (src/render-version.ts): part of every ETag and edge copy. */
    renderVersion: string;
  };
}
