/**
 * @module routes/articles
 * Article pages at their canonical (Jekyll) paths. Any other path ending in
 * /YYYY/MM/DD/{slug}.html for a known slug answers 301 to the canonical one
 * (the old site's other spellings: category case, no categories, the UTC date
 * Jekyll gave offset-less times), and so do the old `/{category}/` back-links.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { type Post, postByPath, postBySlug } from "../db/repository";
import { ARTICLE, cached, type Validate } from "../http/cache";
import { renderArticle } from "../views/article";
import { categoryHref } from "../views/links";
import { liveCategory } from "./lists";
import { decodeSegment } from "./params";

export const articles = new Hono<AppEnv>();

/** `.html` is optional: static hosts also answered the extension-less form. */
const DATED = /\/\d{4}\/\d{2}\/\d{2}\/([^/]+?)(?:\.html)?$/;
const BACK_LINK = /^\/([^/]+)\/$/;
/** Redirects are stable, but a post can move (new categories): a day, not forever. */
const REDIRECT_CACHE = "public, max-age=86400";

function rawPath(c: Context<AppEnv>): string {
  return new URL(c.req.url).pathname;
}

/**
 * The form of a stored path a client can request. URL parsing resolves dot
 * segments and escapes a few characters, so comparing against the stored form
 * alone could redirect a post to itself forever.
 */
function servedPath(post: Post): string {
  return new URL(post.path, "https://path.invalid").pathname;
}

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
async function lookup(c: Context<AppEnv>): Promise<Post | null> {
  const path = rawPath(c);
  const db = c.get("db");
  const now = c.get("now");
  const exact = await postByPath(db, path, now);
  if (exact) return exact;
  const m = DATED.exec(path);
  if (!m) return null;
  for (const slug of slugCandidates(m[1] as string)) {
    const post = await postBySlug(db, slug, now);
    if (post) return post;
  }
  return null;
}

const articleMemo = new WeakMap<Request, Post | null>();

const articleValidate: Validate = async (c) => {
  const post = await lookup(c);
  articleMemo.set(c.req.raw, post);
  if (!post?.visible || rawPath(c) !== servedPath(post)) return null;
  return { version: `${post.hash}:${post.updatedAt}`, lastModified: post.updatedAt };
};

articles.get("*", cached(ARTICLE, articleValidate), async (c, next) => {
  const post = articleMemo.has(c.req.raw) ? articleMemo.get(c.req.raw) : await lookup(c);
  const cfg = c.get("config");
  if (post?.visible) {
    if (rawPath(c) !== servedPath(post)) {
      c.header("Cache-Control", REDIRECT_CACHE);
      return c.redirect(`${cfg.siteUrl}${servedPath(post)}`, 301);
    }
    return c.html(renderArticle(cfg, post));
  }
  if (post) return next(); // hidden: exactly like an unknown path
  // `/{name}/`: the old per-source back-links.
  const back = BACK_LINK.exec(rawPath(c));
  const name = back ? decodeSegment(back[1] as string) : null;
  if (name) {
    const term = await liveCategory(c, name);
    if (term) {
      c.header("Cache-Control", REDIRECT_CACHE);
      return c.redirect(`${cfg.siteUrl}${categoryHref(term.name)}`, 301);
    }
  }
  return next();
});
