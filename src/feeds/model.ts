/**
 * @module feeds/model
 * The data every feed format is rendered from: one channel and its entries,
 * already cleaned and with absolute URLs, so the three writers only map
 * fields and never decide anything about content.
 */

/** The fields of a stored post a feed shows (repository's Post has them all). */
export interface FeedPost {
  slug: string;
  /** Canonical site path, escaped as Jekyll writes it. */
  path: string;
  title: string;
  /** Plain text. */
  summary: string;
  /** Sanitized HTML; relative URLs allowed. */
  bodyHtml: string;
  firstImage: string | null;
  /** epoch ms */
  publishedAt: number;
  /** epoch ms: when the stored post last changed */
  updatedAt: number;
  /** epoch ms: when the post was first stored */
  createdAt: number;
  categories: string[];
  tags: string[];
}

/** What a route knows about the feed it serves; paths are site paths, made absolute here. */
export interface ChannelInput {
  title: string;
  description: string;
  /** The HTML page this feed mirrors (alternate link). */
  homePath: string;
  /** This document, with its query (`?limit=`, `?before=`) when it has one. */
  selfPath: string;
  /** The feed's stable name (no query): the Atom feed id. */
  idPath: string;
  /** The first page, as subscribed (`?limit=` kept, no cursor): JSON Feed's `feed_url`, which names the feed. */
  feedPath: string;
  /** Next (older) page, RFC 5005; null on the last page. */
  nextPath: string | null;
}

export interface Channel {
  title: string;
  description: string;
  lang: string;
  author: string;
  generator: string;
  homeUrl: string;
  selfUrl: string;
  id: string;
  feedUrl: string;
  nextUrl: string | null;
  /** Newest entry's update (not the request time), so unchanged feeds render identically. */
  updated: Date;
}

export interface Entry {
  /** Atom id / JSON Feed id: the permalink without `.html`, as jekyll-feed writes it. */
  id: string;
  url: string;
  title: string;
  /** Plain text. */
  summary: string;
  /** Sanitized HTML with absolute URLs; never empty. */
  contentHtml: string;
  published: Date;
  updated: Date;
  /** Categories, then tags, without repeats. */
  terms: string[];
  /** First image; `type` is null when its media type cannot be told from the URL. */
  image: { url: string; type: string | null } | null;
}

export interface FeedDocument {
  channel: Channel;
  entries: Entry[];
}
