/**
 * @module feeds
 * The entry points: a feed document from stored items (routes), and the
 * fragments stored with each post (write paths). Pure; never touches the
 * database.
 */
import type { SiteConfig } from "../config";
import { FEED_TYPES, type FeedFormat } from "../urls";
import { atom } from "./atom";
import { type DocumentOptions, type RenderedDocument, renderDocument } from "./document";
import { json } from "./json";
import type { ChannelInput, FeedItem, FeedWriter } from "./model";
import { rss } from "./rss";

export type { ChannelInput, FeedFragments, FeedItem, FeedPost } from "./model";
export { MAX_DOCUMENT_BYTES } from "./document";
export { fragmentKey, fragmentsToStore, keyFor, renderFragments, storedWhenWritten } from "./fragments";

const WRITERS: Record<FeedFormat, FeedWriter> = { atom, rss, json };

export interface FeedDocument extends RenderedDocument {
  contentType: string;
}

/**
 * A feed document. Items without a current stored fragment are rendered now; the first
 * `opts.storeMax` of them in all three formats, returned in `rendered` so the caller can store them
 * and the next rendering of any format joins them instead.
 */
export function renderFeed(
  format: FeedFormat,
  config: SiteConfig,
  channel: ChannelInput,
  items: FeedItem[],
  opts: DocumentOptions,
): FeedDocument {
  return {
    ...renderDocument(WRITERS[format], config, channel, items, opts),
    contentType: `${FEED_TYPES[format]}; charset=utf-8`,
  };
}
