/**
 * @module routes/articles
 * Article pages at their canonical (Jekyll) paths. Any other path ending in
 * /YYYY/MM/DD/{slug}.html for a known slug, a post's own `permalink:`, and the
 * old `/{category}/` back-links answer 301 to where the content lives now.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { findTerm, type Post, postByPath, postBySlug } from "../db/repository";
import { ARTICLE, cached, type Validate } from "../http/cache";
import { renderArticle } from "../views/article";
import { categoryHref } from "../views/links";
import { termKey } from "./params";

export const articles = new Hono<AppEnv>();

const DATED = /\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\.html$/;
const BACK_LINK = /^\/([^/]+)\/?$/;

function rawPath(c: Context<AppEnv>): string {
  return new URL(c.req.url).pathname;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The post a path names, by slug (dated paths) or by its own permalink. */
async function lookup(c: Context<AppEnv>): Promise<Post | null> {
  const path = rawPath(c);
  const m = DATED.exec(path);
  const db = c.get("db");
  const now = c.get("now");
  if (m) {
    const slug = decode(m[4] as string);
    const post = slug ? await postBySlug(db, slug, now) : null;
    if (post) return post;
  }
  if (/\.html$|\/$/.test(path)) return postByPath(db, path, now);
  return null;
}

const articleMemo = new WeakMap<Request, Post | null>();

const articleValidate: Validate = async (c) => {
  const post = await lookup(c);
  articleMemo.set(c.req.raw, post);
  if (!post?.visible || rawPath(c) !== post.path) return null;
  return { version: `${post.hash}:${post.updatedAt}`, lastModified: post.updatedAt };
};

articles.get("*", cached(ARTICLE, articleValidate), async (c, next) => {
  const post = articleMemo.has(c.req.raw) ? articleMemo.get(c.req.raw) : await lookup(c);
  if (post?.visible) {
    if (rawPath(c) !== post.path) {
      return c.redirect(`${c.get("config").siteUrl}${post.path}`, 301);
    }
    return c.html(renderArticle(c.get("config"), post));
  }
  // `/{name}/`: the old per-source back-links.
  const back = BACK_LINK.exec(rawPath(c));
  const name = back ? decode(back[1] as string) : null;
  if (name && rawPath(c).endsWith("/")) {
    const term = await findTerm(c.get("db"), ["c", "r"], termKey(name));
    if (term) return c.redirect(`${c.get("config").siteUrl}${categoryHref(term.name)}`, 301);
  }
  return next();
});
