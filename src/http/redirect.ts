/**
 * @module http/redirect
 * Redirects and not-founds with the caching they need. A redirect to a post
 * or a list carries that post's or list's cache tag, so taking the post down
 * (or moving it) purges the redirect with it. A 404 is kept by browsers for
 * a minute but never at the edge, where no tag could purge it when the post
 * it names arrives.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { cacheTagHeader } from "./tags";

/** Redirects are stable, but a post can move (new categories): a day, not forever. */
const REDIRECT_MAX_AGE = 86400;

export function cachedRedirect(c: Context<AppEnv>, location: string, status: 301 | 302, tags: string[]): Response {
  const res = c.redirect(location, status);
  res.headers.set("Cache-Control", `public, max-age=${REDIRECT_MAX_AGE}`);
  if (tags.length) res.headers.set("Cache-Tag", cacheTagHeader(tags));
  return res;
}
