/**
 * @module feeds
 * The one entry point routes use: config + channel info + posts → the feed
 * text and its content type. Pure; never touches the database.
 */
import type { SiteConfig } from "../config";
import { FEED_TYPES, type FeedFormat } from "../urls";
import { renderAtom } from "./atom";
import { toDocument } from "./document";
import { renderJson } from "./json";
import type { ChannelInput, FeedPost } from "./model";
import { renderRss } from "./rss";

export type { ChannelInput, FeedPost } from "./model";

const RENDER: Record<FeedFormat, typeof renderAtom> = { atom: renderAtom, rss: renderRss, json: renderJson };

export function renderFeed(
  format: FeedFormat,
  config: SiteConfig,
  channel: ChannelInput,
  posts: FeedPost[],
): { body: string; contentType: string } {
  return { body: RENDER[format](toDocument(config, channel, posts)), contentType: `${FEED_TYPES[format]}; charset=utf-8` };
}
