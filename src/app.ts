/**
 * @module app
 * The Worker's Hono app: cheap guards first, then per-request context, then
 * one sub-app per feature; anything unmatched is a 404 page that points home
 * (and to the category the path starts with, when there is one).
 */
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { findTerm } from "./db/repository";
import { requestContext } from "./http/context";
import { onError } from "./http/errors";
import { requestGuard, securityHeaders } from "./http/guard";
import { articles } from "./routes/articles";
import { feeds } from "./routes/feeds";
import { lists } from "./routes/lists";
import { meta } from "./routes/meta";
import { termKey } from "./routes/params";
import { share } from "./routes/share";
import { renderError } from "./views/errors";

export const app = new Hono<AppEnv>();

app.use(securityHeaders());
app.use(requestGuard());
app.use(requestContext());
app.route("/", meta);
app.route("/", share);
app.route("/", feeds);
app.route("/", lists);
app.route("/", articles);

app.notFound(async (c) => {
  const config = c.get("config");
  if (!config) return c.text("Not Found", 404);
  const first = /^\/([^/]+)\//.exec(new URL(c.req.url).pathname)?.[1];
  let category: { name: string; label: string } | null = null;
  if (first && first !== "category" && first !== "tag") {
    try {
      category = await findTerm(c.get("db"), ["c"], termKey(decodeURIComponent(first)));
    } catch {
      category = null;
    }
  }
  return c.html(renderError(config, 404, c.get("requestId"), category), 404, { "Cache-Control": "public, max-age=60" });
});

app.onError(onError);
