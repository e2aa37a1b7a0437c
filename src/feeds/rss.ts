/**
 * @module feeds/rss
 * RSS 2.0 through the `feed` package: permalink guids, `content:encoded` for
 * the full body, `dc:creator` for the author (RSS's own `<author>` must be an
 * e-mail address), a typed image enclosure, and what the package cannot add:
 * an RFC 5005 `next` link and a WebSub `hub` link beside its `rel="self"` one
 * (given both, the package keeps only one: jpmonette/feed 183).
 */
import { Feed } from "feed";
import { xmlEscape } from "../views/xml";
import { type Channel, type FeedWriter, FRAGMENT_CHANNEL } from "./model";
import { CONTENT_MARK, cdata, escapeHtml, forCdata, forText, restoreXml, slotContent, splitEntries } from "./xml-guards";

const CHANNEL = "<channel>";
const END = "\n    </channel>\n</rss>";
const OPEN = "\n        <item>\n";
const CONTENT = `<content:encoded><![CDATA[${CONTENT_MARK}]]></content:encoded>`;
/** Namespaces the entries use; the package declares them only when it writes entries itself. */
const NAMESPACES: [string, string][] = [
  ["dc", "http://purl.org/dc/elements/1.1/"],
  ["content", "http://purl.org/rss/1.0/modules/content/"],
  ["atom", "http://www.w3.org/2005/Atom"],
];

function feedOf(channel: Pick<Channel, "title" | "description" | "homeUrl" | "selfUrl" | "lang" | "updated" | "generator">) {
  return new Feed({
    title: forText(channel.title),
    description: forText(channel.description || channel.title),
    link: channel.homeUrl,
    feedLinks: { rss: channel.selfUrl },
    language: channel.lang,
    updated: channel.updated,
    generator: forText(channel.generator),
  });
}

const atomLink = (rel: string, href: string | null, type = "") =>
  href ? `\n        <atom:link href="${xmlEscape(href)}" rel="${rel}"${type ? ` type="${type}"` : ""}/>` : "";

export const rss: FeedWriter = {
  format: "rss",
  frame(channel) {
    let xml = restoreXml(feedOf(channel).rss2());
    if (!xml.includes(CHANNEL) || !xml.endsWith(END)) throw new Error("feed package changed its RSS document");
    const root = /<rss [^>]*>/.exec(xml)?.[0] ?? "";
    const missing = NAMESPACES.filter(([p]) => !root.includes(`xmlns:${p}=`))
      .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
      .join("");
    xml = xml.replace(root, root.replace(/>$/, `${missing}>`));
    // The first <channel> is the element itself: entries come after it.
    xml = xml.replace(
      CHANNEL,
      `${CHANNEL}${atomLink("next", channel.nextUrl, "application/rss+xml")}${atomLink("hub", channel.hubUrl)}`,
    );
    return { head: xml.slice(0, -END.length), tail: END };
  },

  fragments(entries, author) {
    const feed = feedOf(FRAGMENT_CHANNEL);
    for (const e of entries) {
      feed.addItem({
        // No id/guid: the package then writes the link as a permalink guid.
        link: e.url,
        title: forCdata(e.title),
        description: forCdata(escapeHtml(e.summary || e.title)),
        content: CONTENT_MARK,
        date: e.updated,
        published: e.published,
        category: e.terms.map((t) => ({ name: forText(t) })),
        enclosure: e.image?.type ? { url: e.image.url, type: e.image.type, length: 0 } : undefined,
        extensions: [{ name: "dc:creator", objects: { _text: forText(author) } }],
      });
    }
    const xml = restoreXml(feed.rss2());
    return splitEntries(xml, OPEN, "\n        </item>", entries.length).map((f) => slotContent(f, CONTENT));
  },

  content: (html) => (html === null ? null : `<content:encoded>${cdata(html)}</content:encoded>`),
  separator: "",
};
