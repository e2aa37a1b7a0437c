/**
 * @module routes/share
 * `/html_News/NewsShare.html?infoCode=…` (path and parameter name in any
 * case; the URL table folds the path's case): 301 to the article; unknown
 * codes 302 to SHARE_FALLBACK_ORIGIN or 404; malformed codes 400. Location is
 * only built from a validated code and our own configured origins; the raw
 * value is never echoed anywhere.
 */
import type { Context } from "hono";
import { normalizeInfoCode } from "../content/infocode";
import { postTag } from "../db/changes";
import { postByInfoCode } from "../db/repository";
import type { AppEnv } from "../env";
import { errorPage } from "../http/errors";
import { EDGE_NO_STORE } from "../http/policies";
import { cachedRedirect } from "../http/redirect";
import { shareHref } from "../urls";

/** The infoCode parameter's values, whatever the case of its name. */
function codeValues(url: URL): string[] {
  const out: string[] = [];
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === "infocode") out.push(v);
  return out;
}

export async function share(c: Context<AppEnv>): Promise<Response> {
  const cfg = c.get("config");
  const values = codeValues(new URL(c.req.url));
  // Exactly one well-formed value; repeated or array-style parameters are ambiguous, so refused.
  const code = values.length === 1 ? normalizeInfoCode(values[0] as string) : null;
  if (!code) return errorPage(c, 400);
  const post = await postByInfoCode(c.get("db"), code, c.get("now"));
  if (post && !post.visible) return errorPage(c, 404);
  if (post) return cachedRedirect(c, `${cfg.siteUrl}${post.path}`, 301, [postTag(post.slug)]);
  if (cfg.shareFallbackOrigin) {
    // Temporary: once the post is seeded here, the same link answers 301 to our copy.
    const res = c.redirect(`${cfg.shareFallbackOrigin}${shareHref(code)}`, 302);
    res.headers.set("Cache-Control", "public, max-age=300");
    res.headers.set("Cloudflare-CDN-Cache-Control", EDGE_NO_STORE["Cloudflare-CDN-Cache-Control"]);
    return res;
  }
  return errorPage(c, 404);
}
