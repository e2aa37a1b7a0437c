/**
 * @module routes/share
 * `/html_News/NewsShare.html?infoCode=…` (path and parameter name in any case):
 * 301 to the article; unknown codes 302 to SHARE_FALLBACK_ORIGIN or 404;
 * malformed codes 400. Location is only built from a validated code and our
 * own configured origins; the raw value is never echoed anywhere.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { normalizeInfoCode } from "../content/infocode";
import { postByInfoCode } from "../db/repository";
import { errorPage } from "../http/errors";
import { shareHref } from "../views/links";

export const share = new Hono<AppEnv>();

const SHARE_PATH = "/html_news/newsshare.html";

/** The infoCode parameter's values, whatever the case of its name. */
function codeValues(url: URL): string[] {
  const out: string[] = [];
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === "infocode") out.push(v);
  return out;
}

share.get("*", async (c, next) => {
  const url = new URL(c.req.url);
  if (url.pathname.toLowerCase() !== SHARE_PATH) return next();
  const cfg = c.get("config");
  const values = codeValues(url);
  // Exactly one well-formed value; repeated or array-style parameters are ambiguous, so refused.
  const code = values.length === 1 ? normalizeInfoCode(values[0] as string) : null;
  if (!code) return errorPage(c, 400);
  const post = await postByInfoCode(c.get("db"), code, c.get("now"));
  if (post && !post.visible) return errorPage(c, 404);
  if (post) {
    c.header("Cache-Control", "public, max-age=86400");
    return c.redirect(`${cfg.siteUrl}${post.path}`, 301);
  }
  if (cfg.shareFallbackOrigin) {
    // Temporary: once the post is seeded here, the same link answers 301 to our copy.
    c.header("Cache-Control", "public, max-age=300");
    return c.redirect(`${cfg.shareFallbackOrigin}${shareHref(code)}`, 302);
  }
  return errorPage(c, 404);
});
