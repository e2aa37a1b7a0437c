/**
 * @module feeds/entry
 * A stored post → the format-neutral Entry every writer maps: text cleaned
 * of what XML cannot carry, titles without markup and whitespace collapsed
 * (jekyll-feed's `strip_html | normalize_whitespace`), URLs absolute, ids as
 * jekyll-feed wrote them.
 */
import type { SiteConfig } from "../config";
import { cleanText, squash, stripHtml } from "../content/text";
import type { Entry, FeedPost } from "./model";
import { absoluteUrl, entryIdPath, httpUrl, imageType } from "./urls";

/** Categories then tags, once each, on one line (Atom carries them in an attribute). */
function uniqueTerms(post: FeedPost): string[] {
  const out: string[] = [];
  for (const t of [...post.categories, ...post.tags]) {
    const clean = squash(cleanText(t));
    if (clean && !out.includes(clean)) out.push(clean);
  }
  return out;
}

/**
 * Like jekyll-feed, an entry is updated when published, unless its stored content changed after
 * it was first stored (a re-seed of an edited file); the bulk import itself is not an update.
 */
export const entryUpdated = (post: FeedPost): number =>
  post.updatedAt > post.createdAt ? Math.max(post.publishedAt, post.updatedAt) : post.publishedAt;

export function toEntry(config: SiteConfig, post: FeedPost): Entry {
  const url = absoluteUrl(config.siteUrl, post.path);
  const image = post.firstImage ? httpUrl(cleanText(post.firstImage)) : null;
  return {
    id: absoluteUrl(config.siteUrl, entryIdPath(post.path, post.slug)),
    url,
    title: squash(stripHtml(cleanText(post.title))),
    summary: squash(cleanText(post.summary)),
    published: new Date(post.publishedAt),
    updated: new Date(entryUpdated(post)),
    terms: uniqueTerms(post),
    image: image ? { url: image, type: imageType(image) } : null,
  };
}
