/**
 * @module content/render
 * Markdown with embedded HTML → sanitized HTML, plus the plain-text summary
 * and the first image, computed once at ingest so requests never re-parse.
 */
import MarkdownIt from "markdown-it";
import { sanitizeBody } from "./sanitize";
import { squash, truncate } from "./text";

const md = new MarkdownIt({ html: true, linkify: false, typographer: false, breaks: false });

export interface Rendered {
  html: string;
  summary: string;
  firstImage: string | null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const cp = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : "";
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Tags that separate words on a page (blocks, cells, breaks): in text they become a space. */
const BLOCK_TAG =
  /<\/?(?:p|div|h[1-6]|ul|ol|li|dl|dt|dd|table|caption|thead|tbody|tfoot|tr|td|th|blockquote|pre|figure|figcaption|section|article|aside|header|footer|hr|br)\b[^>]*>/gi;

/** Text of sanitized HTML: block tags and cells become spaces, other tags go, entities decode. */
export function htmlToText(html: string): string {
  return squash(decodeEntities(html.replace(BLOCK_TAG, " ").replace(/<[^>]*>/g, "")));
}

// Stock K-line charts are widgets, not pictures of the story.
const WIDGET_IMAGE = /webquoteklinepic\.eastmoney\.com/i;

function firstImageOf(html: string): string | null {
  let first: string | null = null;
  for (const m of html.matchAll(/<img\b[^>]*\ssrc="([^"]+)"/gi)) {
    const src = decodeEntities(m[1] as string);
    if (!/^(?:https?:)?\/\//i.test(src)) continue;
    const abs = src.startsWith("//") ? `https:${src}` : src;
    if (!WIDGET_IMAGE.test(abs)) return abs;
    first ??= abs;
  }
  return first;
}

export function renderBody(markdown: string, opts: { siteHost: string; summaryLength?: number }): Rendered {
  const html = sanitizeBody(md.render(markdown), { siteHost: opts.siteHost }).trim();
  return {
    html,
    summary: truncate(htmlToText(html), opts.summaryLength ?? 200),
    firstImage: firstImageOf(html),
  };
}
