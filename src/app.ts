/**
 * @module app
 * The Worker's Hono app: cheap guards first, then per-request context, then
 * one sub-app per feature; anything unmatched is a 404 page that points home
 * (and to the category the path starts with, when there is one).
 */
import { Hono } from "hono";
import type { AppEnv } from "./env";
import type { Term } from "./db/repository";
import { requestContext } from "./http/context";
import { errorPage, onError } from "./http/errors";
import { requestGuard, securityHeaders } from "./http/guard";
import { articles } from "./routes/articles";
import { feeds } from "./routes/feeds";
import { liveCategory, lists } from "./routes/lists";
import { meta } from "./routes/meta";
import { firstSegment } from "./routes/params";
import { share } from "./routes/share";

export const app = new Hono<AppEnv>();

app.use(securityHeaders());
app.use(requestGuard());
app.use(requestContext());
app.route("/", meta);
app.route("/", share);
app.route("/", feeds);
app.route("/", lists);
app.route("/", articles);

/** Words that start our own paths rather than naming a category. */
const RESERVED = new Set(["category", "tag", "feed", "sitemaps", "assets"]);

app.notFound(async (c) => {
  const first = firstSegment(new URL(c.req.url).pathname);
  let category: Term | null = null;
  if (first && !RESERVED.has(first.toLowerCase()) && c.get("db")) {
    try {
      category = await liveCategory(c, first);
    } catch {
      // The 404 page must not fail because the hint could not be looked up.
      category = null;
    }
  }
  return errorPage(c, 404, { category });
});

app.onError(onError);
