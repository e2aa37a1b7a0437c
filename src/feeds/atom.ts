/**
 * @module feeds/atom
 * Atom 1.0 through the `feed` package, in jekyll-feed's shape (entry ids,
 * links, one category per category and tag), plus what the package cannot
 * express: `xml:lang`, an RFC 5005 `next` link and correct enclosure types.
 */
import { Feed } from "feed";
import { xmlEscape } from "../views/xml";
import type { FeedDocument } from "./model";
import { BodySlots, escapeHtml, forAttr, forCdata, forText, restoreXml } from "./xml-guards";

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
// The package derives an enclosure's type from the URL's extension ("image/jpg", "image/aspx").
const ENCLOSURE = /(<link rel="enclosure" href="([^"]*)" type=")[^"]*("\/>)/g;

export function renderAtom({ channel, entries }: FeedDocument): string {
  const feed = new Feed({
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
  const slots = new BodySlots();
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
      content: slots.add(e.contentHtml),
      date: e.updated,
      published: e.published,
      author: [{ name: forText(channel.author) }],
      category: e.terms.map((t) => ({ term: forAttr(t) })),
      image: image?.url,
    });
  }
  let xml = feed.atom1();
  if (!xml.includes(ROOT)) throw new Error("feed package changed its Atom root element");
  const next = channel.nextUrl ? `\n    <link rel="next" href="${xmlEscape(channel.nextUrl)}"/>` : "";
  xml = xml.replace(ROOT, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlEscape(channel.lang)}">${next}`);
  xml = xml.replace(ENCLOSURE, (whole, head: string, href: string, tail: string) => {
    const type = types.get(href.replace(/&amp;/g, "&"));
    return type ? `${head}${type}${tail}` : whole;
  });
  return slots.insertBodies(restoreXml(xml));
}
