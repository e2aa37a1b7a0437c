/**
 * @module test/worker/feed-parse
 * Reads Atom, RSS and JSON Feed documents back into one neutral shape, after
 * checking them strictly (fast-xml-parser's XMLValidator plus the rules it
 * skips, see test/support/feed-checks.ts; JSON Feed 1.1 shape), so feed tests
 * compare values, not markup.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";
import type { FeedFormat } from "../../src/urls";
import { jsonFeed11Problems, strictXmlProblems } from "../support/feed-checks";

export interface ParsedEntry {
  id: string;
  link: string;
  /** As a reader shows it: Atom's `type="html"` title is unescaped once more. */
  title: string;
  summary: string;
  content: string;
  published: number;
  updated: number | null;
  author: string;
  categories: string[];
  image: { url: string; type: string | null } | null;
}

export interface ParsedFeed {
  title: string;
  self: string;
  alternate: string;
  next: string | null;
  lang: string;
  updated: number | null;
  generator: string;
  entries: ParsedEntry[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (_name, jpath) =>
    [
      "feed.link",
      "feed.entry",
      "feed.entry.link",
      "feed.entry.category",
      "feed.entry.author",
      "rss.channel.atom:link",
      "rss.channel.item",
      "rss.channel.item.category",
    ].includes(String(jpath)),
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
});

type Node = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === "object" && v !== null ? String((v as Node)["#text"] ?? "") : String(v ?? ""));
// fast-xml-parser decodes named entities but leaves numeric ones; our own XML writes only `&#38;`-style ones in URLs.
const num = (s: string) => s.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)));
export const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** Fails the test unless the document is strictly well-formed XML. */
export function expectWellFormed(xml: string, label = ""): void {
  expect(XMLValidator.validate(xml), label).toBe(true);
  expect(strictXmlProblems(xml), label).toEqual([]);
}

function parseAtom(xml: string): ParsedFeed {
  const feed = parser.parse(xml).feed as Node;
  const links = (feed.link as Node[]).map((l) => ({ rel: String(l["@rel"] ?? "alternate"), href: num(String(l["@href"])) }));
  const link = (rel: string) => links.find((l) => l.rel === rel)?.href ?? "";
  return {
    title: text(feed.title),
    self: link("self"),
    alternate: link("alternate"),
    next: link("next") || null,
    lang: String(feed["@xml:lang"] ?? ""),
    updated: Date.parse(text(feed.updated)),
    generator: text(feed.generator),
    entries: ((feed.entry as Node[] | undefined) ?? []).map((e) => {
      const el = (e.link as Node[]).map((l) => ({
        rel: String(l["@rel"] ?? "alternate"),
        href: String(l["@href"]),
        type: l["@type"],
      }));
      const enc = el.find((l) => l.rel === "enclosure");
      return {
        id: text(e.id),
        link: el.find((l) => l.rel === "alternate")?.href ?? "",
        title: unescapeHtml(text(e.title)),
        summary: unescapeHtml(text(e.summary)),
        content: text(e.content),
        published: Date.parse(text(e.published)),
        updated: Date.parse(text(e.updated)),
        author: text(((e.author as Node[] | undefined) ?? [])[0]?.name),
        categories: ((e.category as Node[] | undefined) ?? []).map((c) => String(c["@term"])),
        image: enc ? { url: enc.href, type: enc.type ? String(enc.type) : null } : null,
      };
    }),
  };
}

function parseRss(xml: string): ParsedFeed {
  const rss = parser.parse(xml).rss as Node;
  expect(rss["@version"]).toBe("2.0");
  const ch = rss.channel as Node;
  const links = ((ch["atom:link"] as Node[] | undefined) ?? []).map((l) => ({
    rel: String(l["@rel"]),
    href: num(String(l["@href"])),
  }));
  return {
    title: text(ch.title),
    self: links.find((l) => l.rel === "self")?.href ?? "",
    alternate: text(ch.link),
    next: links.find((l) => l.rel === "next")?.href ?? null,
    lang: text(ch.language),
    updated: Date.parse(text(ch.lastBuildDate)),
    generator: text(ch.generator),
    entries: ((ch.item as Node[] | undefined) ?? []).map((e) => {
      const enc = e.enclosure as Node | undefined;
      return {
        id: text(e.guid),
        link: text(e.link),
        title: text(e.title),
        // RSS descriptions are HTML.
        summary: unescapeHtml(text(e.description)),
        content: text(e["content:encoded"]),
        published: Date.parse(text(e.pubDate)),
        updated: null,
        author: text(e["dc:creator"]),
        categories: ((e.category as unknown[] | undefined) ?? []).map(text),
        image: enc ? { url: String(enc["@url"]), type: String(enc["@type"]) } : null,
      };
    }),
  };
}

function parseJson(body: string): ParsedFeed {
  const doc = JSON.parse(body) as Node;
  expect(jsonFeed11Problems(doc)).toEqual([]);
  const items = doc.items as Node[];
  const newest = Math.max(0, ...items.map((i) => Date.parse(String(i.date_modified))));
  return {
    title: String(doc.title),
    self: String(doc.feed_url),
    alternate: String(doc.home_page_url),
    next: (doc.next_url as string | undefined) ?? null,
    lang: String(doc.language ?? ""),
    updated: items.length ? newest : null,
    generator: "",
    entries: items.map((i) => ({
      id: String(i.id),
      link: String(i.url),
      title: String(i.title ?? ""),
      summary: String(i.summary ?? ""),
      content: String(i.content_html ?? i.content_text ?? ""),
      published: Date.parse(String(i.date_published)),
      updated: Date.parse(String(i.date_modified)),
      author: String((i.authors as Node[] | undefined)?.[0]?.name ?? ""),
      categories: (i.tags as string[] | undefined) ?? [],
      image: i.image ? { url: String(i.image), type: null } : null,
    })),
  };
}

/** Strict checks, then the neutral shape. */
export function parseFeed(format: FeedFormat, body: string): ParsedFeed {
  if (format === "json") return parseJson(body);
  expectWellFormed(body, format);
  return format === "atom" ? parseAtom(body) : parseRss(body);
}
