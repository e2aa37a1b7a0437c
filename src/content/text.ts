/**
 * @module content/text
 * Byte- and character-level hygiene: strict UTF-8 decoding that names the
 * offending byte, and removal of characters no page or feed may carry.
 */

export class InvalidUtf8Error extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(`invalid UTF-8 at byte offset ${offset}`);
    this.offset = offset;
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes strict UTF-8; throws InvalidUtf8Error naming the byte offset. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    // The native decoder is fast but does not say where; scan only when it failed.
    throw new InvalidUtf8Error(Math.max(0, firstInvalidUtf8(bytes)));
  }
}

// C0 controls except \t \n \r, DEL, C1 controls, U+FFFE/U+FFFF, and lone surrogates.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes characters that are not allowed in XML 1.0 or that only scramble text; returns how many went. */
export function stripForbiddenChars(text: string): { text: string; removed: number } {
  if (isClean(text)) return { text, removed: 0 };
  let removed = 0;
  const out = text.replace(FORBIDDEN, () => {
    removed++;
    return "";
  });
  return { text: out, removed };
}

// The same control characters alone: a plain character class scans several times faster than
// FORBIDDEN's surrogate look-arounds, and isWellFormed() finds lone surrogates natively.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

/** Whether `text` holds nothing stripForbiddenChars would remove (the common case, checked cheaply). */
export function isClean(text: string): boolean {
  return text.isWellFormed() && !CONTROL.test(text);
}

/** stripForbiddenChars for render-time use, where nobody counts. */
export function cleanText(text: string): string {
  return isClean(text) ? text : text.replace(FORBIDDEN, "");
}

/** Collapses runs of whitespace to single spaces and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Cuts at `max` characters (code points), at a sentence end when one is near, adding an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Walk only the first `max` code points (bodies run to megabytes; summaries need 200).
  let i = 0;
  let beforeLast = 0;
  for (let k = 0; k < max && i < text.length; k++) {
    if (k === max - 1) beforeLast = i;
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  if (i >= text.length) return text;
  const head = text.slice(0, i);
  const stop = Math.max(...["。", "！", "？", ". ", "；"].map((p) => head.lastIndexOf(p)));
  if (stop >= max * 0.6) return head.slice(0, stop + 1).trim();
  return `${text.slice(0, beforeLast).trim()}…`;
}

/** UTF-8 size of a string without encoding it (lone surrogates count as U+FFFD's 3 bytes, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const SCRIPT_OR_STYLE = /<script[\s\S]*?<\/script>|<!--[\s\S]*?-->|<style[\s\S]*?<\/style>/gi;

/**
 * Liquid's `strip_html`, which jekyll-feed applies to titles: script and style elements and
 * comments go with their content, other tags are removed, entities stay as they are.
 * Titles are text: some feed readers render an RSS title as HTML.
 */
export function stripHtml(text: string): string {
  if (!text.includes("<")) return text;
  return text.replace(SCRIPT_OR_STYLE, "").replace(/<[^>]*>/g, "");
}

/**
 * A 53-bit FNV-1a variant, as base-36 text: a cheap, synchronous hash for telling versions apart
 * (validators, cache keys, the feed-entry key), never for security.
 */
export function fnv1a(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return ((h2 >>> 0) * 2097152 + ((h1 >>> 0) & 0x1fffff)).toString(36);
}

/** A stored JSON array of names (a post's categories or tags) as strings; anything else is empty. */
export function stringList(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
