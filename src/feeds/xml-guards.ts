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
 * Entry bodies skip the package's writer altogether (BodySlots).
 */
import { cleanText } from "../content/text";

const AMP = "\u0001";
const LT = "\u0002";
const CDATA_END = "\u0003";

/** For element text. */
export const forText = (s: string): string => cleanText(s).replace(/&/g, AMP);

/** For attribute values the package escapes `&` in itself (category terms). */
export const forAttr = (s: string): string => cleanText(s).replace(/</g, LT);

/** For CDATA sections (titles, summaries, content). */
export const forCdata = (s: string): string => cleanText(s).replace(/\]\]>/g, `]]${CDATA_END}`);

const BODY = "\u0004";

/**
 * Entry bodies go into the document after the package has written it: the package gets a short
 * placeholder (`\u0004n\u0004`, which cleanText guarantees no input contains) inside its CDATA
 * section, and `insertBodies` puts body n in its place. The bodies are nearly all of a feed's
 * bytes, and the package's writer (xml-js) costs far more per byte than one replace does.
 */
export class BodySlots {
  private readonly bodies: string[] = [];
  /** The placeholder to hand the package as CDATA content. */
  add(html: string): string {
    this.bodies.push(cleanText(html).replace(/\]\]>/g, "]]]]><![CDATA[>"));
    return `${BODY}${this.bodies.length - 1}${BODY}`;
  }
  /** Call after restoreXml: the bodies carry no placeholders of their own. */
  insertBodies(xml: string): string {
    return xml.replace(/\u0004(\d+)\u0004/g, (_, i: string) => this.bodies[Number(i)] ?? "");
  }
}

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
