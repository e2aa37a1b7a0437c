/**
 * @module views/xml
 * XML text escaping that also drops characters XML 1.0 cannot carry.
 */
import { cleanText } from "../content/text";

export function xmlEscape(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
