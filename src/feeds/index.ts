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
import { json } from "./json";
import type { ChannelInput, FeedItem, FeedWriter } from "./model";
import { rss } from "./rss";

export type { ChannelInput, FeedFragments, FeedItem, FeedPost } from "./model";
export { MAX_DOCUMENT_BYTES } from "./document";
export { fragmentKey, fragmentsToStore, keyFor, renderFragments } from "./fragments";

const WRITERS: Record<FeedFormat, FeedWriter> = { atom, rss, json };

export function renderFeed(
  format: FeedFormat,
  config: SiteConfig,
  channel: ChannelInput,
  items: FeedItem[],
  opts: DocumentOptions,
): { body: string; contentType: string } {
  return {
    body: renderDocument(WRITERS[format], config, channel, items, opts),
    contentType: `${FEED_TYPES[format]}; charset=utf-8`,
  };
}
