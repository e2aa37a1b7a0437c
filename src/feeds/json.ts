/**
 * @module feeds/json
 * JSON Feed 1.1: the `feed` package writes version 1.0 (`author` objects, no
 * `language`, no paging), so its output is lifted to 1.1 here.
 */
import { Feed } from "feed";
import type { FeedDocument } from "./model";

export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

interface Json10Item {
  author?: { name?: string; url?: string };
  [key: string]: unknown;
}

export function renderJson({ channel, entries }: FeedDocument): string {
  const feed = new Feed({
    title: channel.title,
    description: channel.description || undefined,
    link: channel.homeUrl,
    feedLinks: { json: channel.feedUrl },
    updated: channel.updated,
    author: { name: channel.author },
  });
  for (const e of entries) {
    feed.addItem({
      id: e.id,
      link: e.url,
      title: e.title,
      description: e.summary || undefined,
      content: e.contentHtml,
      date: e.updated,
      published: e.published,
      author: [{ name: channel.author }],
      category: e.terms.map((t) => ({ name: t })),
      image: e.image?.url,
    });
  }
  const v10 = JSON.parse(feed.json1()) as { author?: unknown; items: Json10Item[]; [key: string]: unknown };
  const { author, items, ...rest } = v10;
  const out: Record<string, unknown> = {
    ...rest,
    version: JSON_FEED_VERSION,
    language: channel.lang,
    authors: author ? [author] : [],
  };
  if (channel.nextUrl) out.next_url = channel.nextUrl;
  out.items = items.map(({ author: a, ...item }) => (a ? { ...item, authors: [a] } : item));
  return JSON.stringify(out);
}
