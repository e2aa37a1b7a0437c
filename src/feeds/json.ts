/**
 * @module feeds/json
 * JSON Feed 1.1: the `feed` package writes version 1.0 (`author` objects, no
 * `language`, no paging, no hubs), so its output is lifted to 1.1 here.
 */
import { Feed } from "feed";
import { type FeedWriter, FRAGMENT_CHANNEL } from "./model";
import { CONTENT_MARK, SLOT } from "./xml-guards";

export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

interface Json10Item {
  author?: { name?: string; url?: string };
  summary?: string;
  [key: string]: unknown;
}

/** The content member the package writes around CONTENT_MARK (JSON escapes its control characters). */
const CONTENT = `"content_html":${JSON.stringify(CONTENT_MARK)}`;

export const json: FeedWriter = {
  format: "json",
  frame(channel) {
    const feed = new Feed({
      title: channel.title,
      description: channel.description || undefined,
      link: channel.homeUrl,
      feedLinks: { json: channel.feedUrl },
      updated: channel.updated,
      author: { name: channel.author },
    });
    const { author, items: _, ...rest } = JSON.parse(feed.json1()) as { author?: unknown; items: unknown[] };
    const out: Record<string, unknown> = {
      ...rest,
      version: JSON_FEED_VERSION,
      language: channel.lang,
      authors: author ? [author] : [],
    };
    if (channel.nextUrl) out.next_url = channel.nextUrl;
    if (channel.hubUrl) out.hubs = [{ type: "WebSub", url: channel.hubUrl }];
    return { head: `${JSON.stringify(out).slice(0, -1)},"items":[`, tail: "]}" };
  },

  fragments(entries, author) {
    const feed = new Feed({
      title: FRAGMENT_CHANNEL.title,
      link: FRAGMENT_CHANNEL.homeUrl,
      updated: FRAGMENT_CHANNEL.updated,
      author: { name: author },
    });
    for (const e of entries) {
      feed.addItem({
        id: e.id,
        link: e.url,
        title: e.title,
        description: e.summary || undefined,
        content: CONTENT_MARK,
        date: e.updated,
        published: e.published,
        author: [{ name: author }],
        category: e.terms.map((t) => ({ name: t })),
        image: e.image?.url,
      });
    }
    const { items } = JSON.parse(feed.json1()) as { items: Json10Item[] };
    if (items.length !== entries.length) throw new Error("feed package changed its JSON items");
    // JSON Feed requires content_html or content_text. By default an entry carries its summary as
    // content_text (written here between two SLOTs, and not a second time as `summary`); a full
    // entry's summary and body replace it.
    return items.map(({ author: a, summary: _, ...item }, i) => {
      const text = JSON.stringify(a ? { ...item, authors: [a] } : item);
      const at = text.indexOf(CONTENT);
      if (at < 0) throw new Error("feed package changed its JSON content member");
      const summary = `"content_text":${JSON.stringify((entries[i] as (typeof entries)[number]).summary)}`;
      return `${text.slice(0, at)}${SLOT}${summary}${SLOT}${text.slice(at + CONTENT.length)}`;
    });
  },

  content: (html, summary) =>
    html === null ? null : `${summary() ? `"summary":${JSON.stringify(summary())},` : ""}"content_html":${JSON.stringify(html)}`,
  separator: ",",
};
