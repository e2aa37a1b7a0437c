/**
 * @module feeds/rss
 * RSS 2.0 through the `feed` package: permalink guids, `content:encoded` for
 * the full body, `dc:creator` for the author (RSS's own `<author>` must be an
 * e-mail address), a typed image enclosure, and `atom:link rel="self"` plus
 * an RFC 5005 `next` link, which the package cannot add by itself.
 */
import { Feed } from "feed";
import { xmlEscape } from "../views/xml";
import type { FeedDocument } from "./model";
import { BodySlots, escapeHtml, forCdata, forText, restoreXml } from "./xml-guards";

const CHANNEL = "<channel>";

export function renderRss({ channel, entries }: FeedDocument): string {
  const feed = new Feed({
    title: forText(channel.title),
    description: forText(channel.description || channel.title),
    link: channel.homeUrl,
    feedLinks: { rss: channel.selfUrl },
    language: channel.lang,
    updated: channel.updated,
    generator: forText(channel.generator),
  });
  const slots = new BodySlots();
  for (const e of entries) {
    feed.addItem({
      // No id/guid: the package then writes the link as a permalink guid.
      link: e.url,
      title: forCdata(e.title),
      description: forCdata(escapeHtml(e.summary || e.title)),
      content: slots.add(e.contentHtml),
      date: e.updated,
      published: e.published,
      category: e.terms.map((t) => ({ name: forText(t) })),
      enclosure: e.image?.type ? { url: e.image.url, type: e.image.type, length: 0 } : undefined,
      extensions: [{ name: "dc:creator", objects: { _text: forText(channel.author) } }],
    });
  }
  let xml = feed.rss2();
  if (channel.nextUrl) {
    if (!xml.includes(CHANNEL)) throw new Error("feed package changed its RSS channel element");
    // The first <channel> is the element itself: items (and their CDATA) come after it.
    xml = xml.replace(
      CHANNEL,
      `${CHANNEL}\n        <atom:link href="${xmlEscape(channel.nextUrl)}" rel="next" type="application/rss+xml"/>`,
    );
  }
  return slots.insertBodies(restoreXml(xml));
}
