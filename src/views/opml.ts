/**
 * @module views/opml
 * OPML 2.0 (opml.org/spec2): one outline per feed, with its human title and
 * the page it mirrors, so a reader subscribes to every source at once
 * (`newsboat -i`, FreshRSS, Feedly…). `type="rss"` is OPML's word for any
 * feed, Atom and JSON Feed included.
 */
import { xmlEscape } from "./xml";

export interface OpmlFeed {
  title: string;
  /** The source's code, as the old site named it (shown as the outline's description). */
  description?: string;
  xmlUrl: string;
  htmlUrl: string;
}

const outline = (f: OpmlFeed) =>
  `    <outline type="rss" text="${xmlEscape(f.title)}" title="${xmlEscape(f.title)}"${f.description ? ` description="${xmlEscape(f.description)}"` : ""} xmlUrl="${xmlEscape(f.xmlUrl)}" htmlUrl="${xmlEscape(f.htmlUrl)}"/>\n`;

export function opmlXml(title: string, owner: string, docsUrl: string, feeds: OpmlFeed[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n' +
    `    <title>${xmlEscape(title)}</title>\n    <ownerName>${xmlEscape(owner)}</ownerName>\n    <docs>${xmlEscape(docsUrl)}</docs>\n` +
    `  </head>\n  <body>\n${feeds.map(outline).join("")}  </body>\n</opml>\n`
  );
}
