/**
 * @module feeds/xml-guards
 * Makes any string safe to hand to the `feed` package's XML writers (xml-js),
 * which alone would emit malformed or altered XML for some inputs:
 *  - a CDATA section is split only at the first `]]>`, so a second one ends it early;
 *  - attribute values get `"` and `&` escaped but not `<`, which XML forbids there;
 *  - text nodes first turn `&amp;` back into `&`, so the literal text "&amp;" would be lost;
 *  - nothing removes characters XML 1.0 cannot carry.
 * Each guard removes those characters (cleanText), then swaps the risky
 * sequence for a control character that cleanText guarantees cannot occur in
 * the input; `restoreXml` turns the placeholders into the right XML afterwards.
 * Entry content never goes through the package: a fragment holds SLOT where
 * it belongs, filled when the document is assembled.
 */
import { cleanText } from "../content/text";

const AMP = "\u0001";
const LT = "\u0002";
const CDATA_END = "\u0003";

/** Where an entry's content goes in a stored fragment (cleanText guarantees no input holds it). */
export const SLOT = "\u0007";
/** What the package is given as content, found again in its output and swapped for SLOT. */
export const CONTENT_MARK = "\u0007content\u0007";

/** For element text. */
export const forText = (s: string): string => cleanText(s).replace(/&/g, AMP);

/** For attribute values the package escapes `&` in itself (category terms). */
export const forAttr = (s: string): string => cleanText(s).replace(/</g, LT);

/** For CDATA sections (titles, summaries). */
export const forCdata = (s: string): string => cleanText(s).replace(/\]\]>/g, `]]${CDATA_END}`);

/** A CDATA section holding `s` (already cleaned), split wherever `s` holds `]]>`. */
export const cdata = (s: string): string => `<![CDATA[${s.replace(/\]\]>/g, "]]]]><![CDATA[>")}]]>`;

/** Replaces the placeholders in the package's output; call exactly once per document. */
export function restoreXml(xml: string): string {
  return xml
    .replace(/\u0001/g, "&amp;")
    .replace(/\u0002/g, "&lt;")
    .replace(/\u0003/g, "]]><![CDATA[>");
}

/** Plain text as HTML text (for HTML-typed fields that carry plain text). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The entries of a document the package wrote, one string each: the text from each `open`
 * (an element start on its own, indented line) to the next. Entry text holds no line break of
 * its own (titles, summaries and terms are collapsed to one line, URLs have none), so `open` is
 * found only where the package put it; the count is checked all the same.
 */
export function splitEntries(xml: string, open: string, close: string, count: number): string[] {
  const parts = xml.split(open);
  parts.shift(); // the channel before the first entry
  const last = parts.length - 1;
  if (parts.length !== count || (last >= 0 && !(parts[last] as string).includes(close))) {
    throw new Error(`feed package output has ${parts.length} entries where ${count} were given`);
  }
  if (last >= 0) parts[last] = (parts[last] as string).slice(0, (parts[last] as string).lastIndexOf(close) + close.length);
  // The package's indentation is the only line break an entry holds: dropped, it saves a tenth of a feed's bytes.
  return parts.map((p) => (open + p).replace(/\n +/g, ""));
}

/** Swaps the content element the package wrote around CONTENT_MARK (indentation dropped) for SLOT. */
export function slotContent(fragment: string, element: string): string {
  const at = fragment.indexOf(element);
  if (at < 0) throw new Error("feed package changed its content element");
  return fragment.slice(0, at) + SLOT + fragment.slice(at + element.length);
}
