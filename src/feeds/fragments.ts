/**
 * @module feeds/fragments
 * Entry fragments rendered once, so a feed request only joins them: the
 * `feed` package's XML writer costs about 0.05 ms an entry and format, too
 * much to pay for a thousand entries per request. Posts inside the feed
 * window get theirs when stored (the seed's parse threads); older ones when
 * a feed first renders them (stored back by the feed route), so an archive's
 * history costs neither seed time nor bytes until a feed shows it. A fragment
 * depends on the post, the
 * site's origin and author, the code that writes entries, and the date the
 * entry counts as updated; its key names the last three
 * (`<code>-<site>:<updated ms>`), and a fragment whose key does not match the
 * row it is stored in is rendered again at request time, whoever stored it.
 */
import type { SiteConfig } from "../config";
import { fnv1a } from "../content/text";
import { FEEDS_VERSION } from "../render-version";
import { atom } from "./atom";
import { entryUpdated, toEntry } from "./entry";
import { json } from "./json";
import type { FeedFragments, FeedPost } from "./model";
import { rss } from "./rss";

/** The config the key was last computed for (one per isolate in practice: a feed asks for it per entry). */
let last: { config: SiteConfig; key: string } | null = null;

/** The part of every fragment key that names the site config and the entry code. */
export function fragmentKey(config: SiteConfig): string {
  if (last?.config !== config) {
    last = { config, key: `${FEEDS_VERSION}-${fnv1a(`${FEEDS_VERSION}\n${config.siteUrl}\n${config.author}`)}` };
  }
  return last.key;
}

/** The key a fragment of `post` must carry to be used for it under `config`. */
export const keyFor = (config: SiteConfig, post: FeedPost): string => `${fragmentKey(config)}:${entryUpdated(post)}`;

/** Margin on the window's start, so a post at its edge is not left to a request by a slow clock. */
const HORIZON_MARGIN_MS = 3_600_000;

/**
 * Whether a post dated `publishedAt` gets its fragments when stored: it is, or will be, inside the
 * feed window, where feeds hold up to a thousand entries and are polled hardest. Older posts are
 * shown only by quiet feeds (their newest 20) and by pages into the past.
 */
export const storedWhenWritten = (config: SiteConfig, publishedAt: number, now: number): boolean =>
  publishedAt > now - config.feedWindowHours * 3_600_000 - HORIZON_MARGIN_MS;

/** The three fragments of each post, in order (one pass of the feed package per format). */
export function renderFragments(config: SiteConfig, posts: FeedPost[]): FeedFragments[] {
  if (!posts.length) return [];
  const entries = posts.map((p) => toEntry(config, p));
  const [a, r, j] = [atom, rss, json].map((w) => w.fragments(entries, config.author)) as [string[], string[], string[]];
  return posts.map((p, i) => ({ key: keyFor(config, p), atom: a[i] as string, rss: r[i] as string, json: j[i] as string }));
}

/** A post about to be stored: a FeedPost but for the times the database decides. */
export type NewPost = Omit<FeedPost, "createdAt" | "updatedAt">;

/**
 * The fragments of posts about to be stored: dated at publication, or, with `updatedAt`, as
 * rewritten at that time (a stored post whose content changed).
 */
export function fragmentsToStore(config: SiteConfig, posts: NewPost[], updatedAt?: number): FeedFragments[] {
  return renderFragments(
    config,
    posts.map((p) => ({ ...p, createdAt: 0, updatedAt: updatedAt ?? 0 })),
  );
}
