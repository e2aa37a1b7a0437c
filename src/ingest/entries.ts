/**
 * @module ingest/entries
 * Which feed entries are stored with posts as they are written (by the seed,
 * its parse threads, and the ingest API alike): those of posts inside the
 * feed window (feeds/fragments storedWhenWritten), rendered in one pass,
 * unless they would push a post's row over D1's limit. The rest are stored
 * without entries; feeds render and store those when they first show them.
 */
import type { SiteConfig } from "../config";
import { MAX_ROW_BYTES, rowBytes } from "../content/post";
import { utf8Length } from "../content/text";
import type { PostRecord } from "../content/types";
import { type FeedFragments, fragmentsToStore, storedWhenWritten } from "../feeds";

/** The entries to store with each of `posts` (same order), or null. */
export function entriesAtWrite(site: SiteConfig, posts: PostRecord[], now: number): (FeedFragments | null)[] {
  const live = posts.filter((p) => storedWhenWritten(site, p.publishedAt, now));
  const rendered = new Map(fragmentsToStore(site, live).map((e, i) => [live[i] as PostRecord, e]));
  return posts.map((p) => {
    const feed = rendered.get(p);
    if (!feed) return null;
    // UTF-16 length × 3 bounds UTF-8 bytes: nearly every post is clearly small without counting exactly.
    const extra = (feed.atom.length + feed.rss.length + feed.json.length) * 3;
    const bound = (p.bodyHtml.length + p.summary.length + p.title.length + p.path.length) * 3 + 4000;
    const exact = () => rowBytes(p) + utf8Length(feed.atom) + utf8Length(feed.rss) + utf8Length(feed.json);
    return bound + extra <= MAX_ROW_BYTES || exact() <= MAX_ROW_BYTES ? feed : null;
  });
}
