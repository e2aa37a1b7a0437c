/**
 * @module feeds/atom
 * Atom 1.0 through the `feed` package, in jekyll-feed's shape (entry ids,
 * links, one category per category and tag), plus what the package cannot
 * express: `xml:lang`, RFC 5005 `next` and WebSub `hub` links, and correct
 * enclosure types.
 */
import { Feed } from "feed";
import { xmlEscape } from "../views/xml";
import { type Channel, type FeedWriter, FRAGMENT_CHANNEL } from "./model";
import { CONTENT_MARK, cdata, escapeHtml, forAttr, forCdata, forText, restoreXml, slotContent, splitEntries } from "./xml-guards";

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
const END = "\n</feed>";
const OPEN = "\n    <entry>\n";
const CONTENT = `<content type="html"><![CDATA[${CONTENT_MARK}]]></content>`;
// The package derives an enclosure's type from the URL's extension ("image/jpg", "image/aspx").
const ENCLOSURE = /(<link rel="enclosure" href="([^"]*)" type=")[^"]*("\/>)/g;

function feedOf(
  channel: Pick<Channel, "id" | "title" | "description" | "homeUrl" | "selfUrl" | "lang" | "updated" | "generator" | "author">,
) {
  return new Feed({
    id: channel.id,
    title: forText(channel.title),
    description: channel.description ? forText(channel.description) : undefined,
    link: channel.homeUrl,
    feedLinks: { atom: channel.selfUrl },
    language: channel.lang,
    updated: channel.updated,
    generator: forText(channel.generator),
    author: { name: forText(channel.author) },
  });
}

const link = (rel: string, href: string | null) => (href ? `\n    <link rel="${rel}" href="${xmlEscape(href)}"/>` : "");

export const atom: FeedWriter = {
  format: "atom",
  frame(channel) {
    const xml = restoreXml(feedOf(channel).atom1());
    if (!xml.includes(ROOT) || !xml.endsWith(END)) throw new Error("feed package changed its Atom document");
    const root = `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlEscape(channel.lang)}">${link("next", channel.nextUrl)}${link("hub", channel.hubUrl)}`;
    return { head: xml.slice(0, -END.length).replace(ROOT, root), tail: END };
  },

  fragments(entries, author) {
    const feed = feedOf({ ...FRAGMENT_CHANNEL, author });
    const types = new Map<string, string>();
    for (const e of entries) {
      // An enclosure needs a type to be useful; untyped images stay in the content only.
      const image = e.image?.type ? e.image : null;
      if (image?.type) types.set(new URL(image.url).href, image.type);
      feed.addItem({
        id: e.id,
        link: e.url,
        title: forCdata(escapeHtml(e.title)),
        description: e.summary ? forCdata(escapeHtml(e.summary)) : undefined,
        content: CONTENT_MARK,
        date: e.updated,
        published: e.published,
        author: [{ name: forText(author) }],
        category: e.terms.map((t) => ({ term: forAttr(t) })),
        image: image?.url,
      });
    }
    const xml = restoreXml(feed.atom1()).replace(ENCLOSURE, (whole, head: string, href: string, tail: string) => {
      const type = types.get(href.replace(/&amp;/g, "&"));
      return type ? `${head}${type}${tail}` : whole;
    });
    return splitEntries(xml, OPEN, "\n    </entry>", entries.length).map((f) => slotContent(f, CONTENT));
  },

  content: (html) => (html === null ? null : `<content type="html">${cdata(html)}</content>`),
  separator: "",
};
