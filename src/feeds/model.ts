/**
 * @module feeds/model
 * The data feeds are made of. A post becomes an Entry (cleaned text,
 * absolute URLs), each Entry becomes one stored fragment per format, and a
 * feed document is a channel around fragments with the content slot filled.
 */

/** The fields of a stored post a feed entry shows (the repository's rows have them all). */
export interface FeedPost {
  slug: string;
  /** Canonical site path, escaped as Jekyll writes it. */
  path: string;
  title: string;
  /** Plain text. */
  summary: string;
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

/** A post as a feed reads it back: its entry fragment when stored, and its body when it goes in full. */
export interface FeedItem extends FeedPost {
  /** The stored fragment of the feed's format, or null (then it is rendered now). */
  fragment: string | null;
  /** What the stored fragments were rendered for (fragmentKey); another key means stale. */
  fragmentKey: string | null;
  /** UTF-8 bytes of the stored fragment, when the database counted them. */
  fragmentBytes?: number | null;
  /** Sanitized HTML, relative URLs allowed; null when the entry carries its summary only. */
  bodyHtml: string | null;
}

/** The three fragments of one post, as stored beside it. */
export interface FeedFragments {
  key: string;
  atom: string;
  rss: string;
  json: string;
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
  /** WebSub hub the feed advertises, or null. */
  hubUrl: string | null;
  /** Newest entry's update (not the request time), so unchanged feeds render identically. */
  updated: Date;
}

export interface Entry {
  /** Atom id / JSON Feed id: the permalink without `.html`, as jekyll-feed writes it. */
  id: string;
  url: string;
  /** Plain text, no markup, whitespace collapsed (jekyll-feed's strip_html | normalize_whitespace). */
  title: string;
  /** Plain text, whitespace collapsed. */
  summary: string;
  published: Date;
  updated: Date;
  /** Categories, then tags, without repeats. */
  terms: string[];
  /** First image; `type` is null when its media type cannot be told from the URL. */
  image: { url: string; type: string | null } | null;
}

/** One format's writer: the document's frame and each entry's fragment come from the `feed` package. */
export interface FeedWriter {
  /** Which of a post's stored fragments this writer's are. */
  readonly format: "atom" | "rss" | "json";
  /** The document around the entries (the package's output for no entries, plus what it cannot write). */
  frame(channel: Channel): { head: string; tail: string };
  /**
   * Each entry as the package writes it, with SLOT where its content goes; what stands between two
   * SLOTs is the entry's content when it carries no body.
   */
  fragments(entries: Entry[], author: string): string[];
  /** What replaces the slot for a full body (absolute URLs, cleaned); null: the fragment's own default. */
  content(html: string | null, summary: () => string): string | null;
  /** Written between two fragments. */
  separator: string;
}

/** The channel the package is given when it writes entries alone (only the entries are kept). */
export const FRAGMENT_CHANNEL = {
  id: "https://fragment.invalid/",
  title: "fragment",
  description: "fragment",
  homeUrl: "https://fragment.invalid/",
  selfUrl: "https://fragment.invalid/feed",
  lang: "en",
  updated: new Date(0),
  generator: "fragment",
} as const;
