/**
 * @module routes/articles
 * Article pages at their canonical (Jekyll) paths, and everything that
 * resolves to one: any other path ending in /YYYY/MM/DD/{slug}.html for a
 * known slug answers 301 to the canonical one (the old site's other
 * spellings: category case, no categories, the UTC date Jekyll gave
 * offset-less times), and the old `/{category}/` back-links 301 to the
 * category page. It is the URL table's last row: it answers what no other did.
 */
import type { Context } from "hono";
import { postTag, termTag } from "../db/changes";
import { liveCategory, type Post, postByDatedSlug, postByPath, withCategoryNames } from "../db/repository";
import type { AppEnv } from "../env";
import { cachedRoute } from "../http/cached-route";
import { ARTICLE } from "../http/policies";
import { cachedRedirect } from "../http/redirect";
import { categoryHref } from "../urls";
import { renderArticle } from "../views/article";
import { decodeSegment, termKey } from "./params";

/** `.html` is optional: static hosts also answered the extension-less form. */
const DATED = /\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+?)(?:\.html)?$/;
const BACK_LINK = /^\/([^/]+)\/$/;

const rawPath = (c: Context<AppEnv>) => new URL(c.req.url).pathname;

/**
 * The form of a stored path a client can request. URL parsing resolves dot
 * segments and escapes a few characters, so comparing against the stored form
 * alone could redirect a post to itself forever.
 */
const servedPath = (post: Post) => new URL(post.path, "https://path.invalid").pathname;

/**
 * Slugs a dated path may name. Jekyll publishes a file whose front matter it
 * cannot read under its whole basename, so `2026-11-25-<slug>` names `<slug>` too.
 */
function slugCandidates(segment: string): string[] {
  const name = decodeSegment(segment);
  if (!name) return [];
  const m = /^\d{4}-\d{2}-\d{2}-(.+)$/.exec(name);
  return m ? [name, m[1] as string] : [name];
}

/**
 * The post a path names: its own path first (one indexed probe serves every
 * canonical hit, including `permalink:` posts), then the slug of a dated path.
 */
async function lookup(c: Context<AppEnv>, path: string): Promise<Post | null> {
  const db = c.get("db");
  const now = c.get("now");
  const exact = await postByPath(db, path, now);
  if (exact) return exact;
  const m = DATED.exec(path);
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  for (const slug of slugCandidates(m[4] as string)) {
    const post = await postByDatedSlug(db, slug, day, now);
    if (post) return post;
  }
  return null;
}

/** `/{name}/`, the old per-source back-links: 301 to the category while it has a visible post. */
async function backLink(c: Context<AppEnv>, path: string): Promise<Response> {
  const m = BACK_LINK.exec(path);
  const name = m ? decodeSegment(m[1] as string) : null;
  const term = name ? await liveCategory(c.get("db"), termKey(name), c.get("now")) : null;
  if (!term) return c.notFound();
  return cachedRedirect(c, `${c.get("config").siteUrl}${categoryHref(term.name)}`, 301, [termTag(term.kind, term.key)]);
}

export const article = cachedRoute<Post>({
  policy: ARTICLE,
  async load(c) {
    const path = rawPath(c);
    const post = await lookup(c, path);
    if (!post) return backLink(c, path);
    if (!post.visible) return c.notFound(); // hidden: exactly like an unknown path
    if (path !== servedPath(post)) {
      return cachedRedirect(c, `${c.get("config").siteUrl}${servedPath(post)}`, 301, [postTag(post.slug)]);
    }
    return post;
  },
  version: (post) => ({ version: `${post.hash}:${post.updatedAt}`, lastModified: post.updatedAt }),
  tags: (post) => [postTag(post.slug)],
  render: async (post, c) => {
    const [named] = await withCategoryNames(c.get("db"), [post]);
    return c.html(renderArticle(c.get("config"), named ?? post));
  },
});
