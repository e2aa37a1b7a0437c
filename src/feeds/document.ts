/**
 * @module feeds/document
 * Stored posts + what the route knows → the format-neutral feed document:
 * text cleaned of characters XML cannot carry, URLs absolute, ids as
 * jekyll-feed wrote them, dates as Date objects.
 */
import type { SiteConfig } from "../config";
import { cleanText } from "../content/text";
import type { Channel, ChannelInput, Entry, FeedDocument, FeedPost } from "./model";
import { absolutizeHtml, absoluteUrl, entryIdPath, httpUrl, imageType } from "./urls";
import { escapeHtml } from "./xml-guards";

export const GENERATOR = "finews-edge";

/**
 * Characters of body HTML one document carries in full. A post may be up to
 * D1's 2 MB row, and rendering costs roughly 60 ms of CPU per MB of body
 * (more with many links), so past this budget an entry's content is its
 * summary (its link has the rest). Ordinary posts are a few KB: a 100-entry
 * feed of them stays far below it.
 */
export const CONTENT_BUDGET = 1_000_000;

/** Categories then tags, once each. Tabs and line breaks become spaces, as XML parsers would make them in Atom's `term` attribute. */
function uniqueTerms(post: FeedPost): string[] {
  const out: string[] = [];
  for (const t of [...post.categories, ...post.tags]) {
    const clean = cleanText(t)
      .replace(/[\t\n\r]/g, " ")
      .trim();
    if (clean && !out.includes(clean)) out.push(clean);
  }
  return out;
}

/** `fullBody` false: the entry's content is its summary (see CONTENT_BUDGET). */
export function toEntry(config: SiteConfig, post: FeedPost, fullBody = true): Entry {
  const url = absoluteUrl(config.siteUrl, post.path);
  const title = cleanText(post.title).trim();
  const summary = cleanText(post.summary).trim();
  const body = fullBody ? absolutizeHtml(cleanText(post.bodyHtml), url).trim() : "";
  const image = post.firstImage ? httpUrl(cleanText(post.firstImage)) : null;
  return {
    id: absoluteUrl(config.siteUrl, entryIdPath(post.path, post.slug)),
    url,
    title,
    summary,
    // RSS's content namespace is only declared when there is content, and readers show something.
    contentHtml: body || `<p>${escapeHtml(summary || title)}</p>`,
    published: new Date(post.publishedAt),
    // Like jekyll-feed, an entry is updated when published, unless its stored content changed after it
    // was first stored (a re-seed of an edited file); the bulk import itself is not an update.
    updated: new Date(post.updatedAt > post.createdAt ? Math.max(post.publishedAt, post.updatedAt) : post.publishedAt),
    terms: uniqueTerms(post),
    image: image ? { url: image, type: imageType(image) } : null,
  };
}

export function toDocument(config: SiteConfig, input: ChannelInput, posts: FeedPost[]): FeedDocument {
  let used = 0;
  const entries = posts.map((p, i) => {
    // The first entry always comes in full: one post alone is bounded by D1's row size.
    const full = i === 0 || used + p.bodyHtml.length <= CONTENT_BUDGET;
    if (full) used += p.bodyHtml.length;
    return toEntry(config, p, full);
  });
  const channel: Channel = {
    title: cleanText(input.title).trim() || config.title,
    description: cleanText(input.description).trim(),
    lang: config.lang,
    author: config.author,
    generator: GENERATOR,
    homeUrl: absoluteUrl(config.siteUrl, input.homePath),
    selfUrl: absoluteUrl(config.siteUrl, input.selfPath),
    id: absoluteUrl(config.siteUrl, input.idPath),
    feedUrl: absoluteUrl(config.siteUrl, input.feedPath),
    nextUrl: input.nextPath ? absoluteUrl(config.siteUrl, input.nextPath) : null,
    // Same value as the validator's Last-Modified; an empty feed is dated at the epoch, not "now".
    updated: new Date(entries.reduce((max, e) => Math.max(max, e.updated.getTime()), 0)),
  };
  return { channel, entries };
}
