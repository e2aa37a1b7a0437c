/**
 * @module feeds
 * The entry points: a feed document from stored items (routes), and the
 * fragments stored with each post (write paths). Pure; never touches the
 * database.
 */
import type { SiteConfig } from "../config";
import { FEED_TYPES, type FeedFormat } from "../urls";
import { atom } from "./atom";
import { type DocumentOptions, renderDocument } from "./document";
import { keyFor, renderFragments } from "./fragments";
import { json } from "./json";
import type { ChannelInput, FeedFragments, FeedItem, FeedWriter } from "./model";
import { rss } from "./rss";

export type { ChannelInput, FeedFragments, FeedItem, FeedPost } from "./model";
export { MAX_DOCUMENT_BYTES } from "./document";
export { fragmentKey, fragmentsToStore, keyFor, renderFragments, storedWhenWritten } from "./fragments";

const WRITERS: Record<FeedFormat, FeedWriter> = { atom, rss, json };

export interface FeedDocument {
  body: string;
  contentType: string;
  /** Entries this rendering produced in all three formats (item index and fragments), for storing. */
  rendered: { index: number; fragments: FeedFragments }[];
}

/**
 * A feed document. Items without a current stored fragment are rendered now; the first `storeMax`
 * of them in all three formats, returned in `rendered` so the caller can store them and the next
 * rendering of any format joins them instead.
 */
export function renderFeed(
  format: FeedFormat,
  config: SiteConfig,
  channel: ChannelInput,
  items: FeedItem[],
  opts: DocumentOptions & { storeMax?: number },
): FeedDocument {
  const missing: number[] = [];
  for (let i = 0; i < items.length && missing.length < (opts.storeMax ?? 0); i++) {
    const item = items[i] as FeedItem;
    if (!item.fragment || item.fragmentKey !== keyFor(config, item)) missing.push(i);
  }
  const fragments = renderFragments(
    config,
    missing.map((i) => items[i] as FeedItem),
  );
  const rendered = missing.map((index, k) => ({ index, fragments: fragments[k] as FeedFragments }));
  const renderedNow = new Map(rendered.map((r) => [r.index, r.fragments[format]]));
  return {
    body: renderDocument(WRITERS[format], config, channel, items, { ...opts, renderedNow }),
    contentType: `${FEED_TYPES[format]}; charset=utf-8`,
    rendered,
  };
}
