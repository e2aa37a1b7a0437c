/**
 * @module app
 * The Worker's Hono app: cheap guards first, then per-request context, then
 * the URL table (src/routes/index.ts), row by row; anything unmatched is a
 * 404 page that points home (and to the category the path starts with, when
 * there is one).
 */
import { Hono } from "hono";
import { liveCategory, type Term } from "./db/repository";
import type { AppEnv } from "./env";
import { requestContext } from "./http/context";
import { errorPage, onError } from "./http/errors";
import { requestGuard, securityHeaders } from "./http/guard";
import { RENDER_VERSION } from "./render-version";
import { routedPath, URLS } from "./routes";
import { firstSegment, termKey } from "./routes/params";

/** Words that start our own paths rather than naming a category. */
const RESERVED = new Set(["category", "tag", "feed", "sitemaps", "assets", "api"]);

export interface AppOptions {
  /** Defaults to the generated hash of the source; tests pass another to stand for a template change. */
  renderVersion?: string;
}

export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>({ getPath: routedPath });
  app.use(securityHeaders());
  app.use(requestGuard());
  app.use(requestContext(options.renderVersion ?? RENDER_VERSION));
  for (const { pattern, handler, methods, before } of URLS) {
    for (const mw of before) app.on(methods, pattern, mw);
    app.on(methods, pattern, handler);
  }

  app.notFound(async (c) => {
    const first = firstSegment(new URL(c.req.url).pathname);
    let category: Term | null = null;
    if (first && !RESERVED.has(first.toLowerCase()) && c.get("db")) {
      try {
        category = await liveCategory(c.get("db"), termKey(first), c.get("now"));
      } catch {
        // The 404 page must not fail because the hint could not be looked up.
        category = null;
      }
    }
    return errorPage(c, 404, { category });
  });
  app.onError(onError);
  return app;
}

export const app = createApp();
