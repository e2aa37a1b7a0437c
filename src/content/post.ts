/**
 * @module content/post
 * One markdown file → one post record (or a rejection with its reason),
 * following the rules in docs/content-format.md. Pure: bytes in, data out.
 */
import { dayOf, localParts, parseDate, type ParsedDate, timeOf, toInstant } from "./dates";
import { categoriesOf, FrontMatterError, readFrontMatter, readKnownKeys, splitFrontMatter, tagsOf } from "./frontmatter";
import { dateFromInfoCode, findShareLinkCode, infoCodeFromSlug, infoCodeFromUrl } from "./infocode";
import { extractTrailingNav } from "./nav";
import { canonicalPath, parseFilename } from "./permalink";
import { htmlToText, renderBody } from "./render";
import { decodeUtf8, InvalidUtf8Error, squash, stripForbiddenChars, truncate, utf8Length } from "./text";
import type { PostRecord } from "./types";

/** Bump when parsing or rendering changes, so re-seeding rewrites every post. */
export const PARSER_VERSION = 3;
/** D1's limit for one row (string/BLOB/row size). */
export const MAX_ROW_BYTES = 2_000_000;
/** Longest title taken from a digest or body when the front matter has none. */
export const DERIVED_TITLE_CHARS = 80;

export interface ParseContext {
  timeZone: string;
  /** Host of SITE_URL: links to it inside bodies become site paths. */
  siteHost: string;
  /**
   * SHA-256 of a string as lowercase hex. Defaults to Web Crypto; Node callers pass a synchronous
   * one (node:crypto), since the async digest's thread-pool round trip dominated parse time.
   */
  sha256?: (text: string) => string | Promise<string>;
}

export type ParseResult =
  | { ok: true; post: PostRecord; warnings: string[] }
  /** `tooLarge`: refused for D1's row limit, not for what it says. */
  | { ok: false; reason: string; warnings: string[]; tooLarge?: boolean };

const utf8 = new TextEncoder();
const byteLength = (s: string | null) => (s ? utf8Length(s) : 0);

async function webSha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", utf8.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function firstSentence(text: string): string {
  const t = squash(text);
  const m = /^(.+?(?:[。！？!?]|\.(?=\s|$)))/.exec(t);
  return truncate(m ? (m[1] as string) : t, DERIVED_TITLE_CHARS);
}

function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : String(v);
}

/** Bytes the stored row takes (all text columns, plus a margin for the numeric ones and the hash). */
export function rowBytes(post: Omit<PostRecord, "hash">): number {
  return (
    byteLength(post.slug) +
    byteLength(post.infoCode) +
    byteLength(post.title) +
    byteLength(post.localDate) +
    byteLength(post.path) +
    byteLength(JSON.stringify(post.categories)) +
    byteLength(post.categoriesRaw) +
    byteLength(JSON.stringify(post.tags)) +
    byteLength(post.bodyHtml) +
    byteLength(post.summary) +
    byteLength(post.firstImage) +
    byteLength(post.sourceUrl) +
    byteLength(post.shareUrl) +
    byteLength(post.backLink) +
    byteLength(post.permalink) +
    200
  );
}

function upperBytes(post: Omit<PostRecord, "hash">): number {
  let n = 1000;
  for (const v of Object.values(post)) {
    if (typeof v === "string") n += v.length * 3;
    else if (Array.isArray(v)) for (const x of v) n += x.length * 3 + 3;
  }
  return n;
}

/** Parses one post file. `basename` is the file's name (for slug and date). */
export async function parsePost(bytes: Uint8Array, basename: string, ctx: ParseContext): Promise<ParseResult> {
  const warnings: string[] = [];
  const fail = (reason: string, tooLarge = false): ParseResult => ({ ok: false, reason, warnings, tooLarge });

  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (err) {
    if (err instanceof InvalidUtf8Error) return fail(err.message);
    throw err;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  const cleaned = stripForbiddenChars(text);
  if (cleaned.removed) {
    warnings.push(
      `removed ${cleaned.removed} control character${cleaned.removed > 1 ? "s" : ""} (other than tab and newline) or U+FFFE/U+FFFF`,
    );
    text = cleaned.text;
  }

  const { date: fileDate, slug } = parseFilename(basename);
  if (!slug) return fail("filename has no slug (expected YYYY-MM-DD-<slug>.md)");

  let split: ReturnType<typeof splitFrontMatter>;
  try {
    split = splitFrontMatter(text);
  } catch (err) {
    if (err instanceof FrontMatterError) return fail(err.message);
    throw err;
  }
  warnings.push(...split.warnings);
  const fm = readFrontMatter(split.yaml);
  warnings.push(...fm.warnings);
  const data = { ...fm.data };
  // YAML types scalars (`date:  +0800` is the number 800, `title: 2022` a number); these keys are text.
  if (["title", "date", "permalink"].some((k) => data[k] !== undefined && data[k] !== null && typeof data[k] !== "string")) {
    const lines = readKnownKeys(split.yaml);
    for (const key of ["title", "date", "permalink"]) {
      if (data[key] !== undefined && typeof data[key] !== "string" && typeof lines[key] === "string") data[key] = lines[key];
    }
  }

  const nav = extractTrailingNav(split.body, ctx.siteHost);
  const bodyMd = nav.body.trim();
  // Checked again on the whole row below; this spares rendering a hostile multi-megabyte body.
  const mdBytes = byteLength(bodyMd);
  if (mdBytes > MAX_ROW_BYTES) {
    return fail(
      `post is too large: its markdown alone is ${mdBytes} bytes, over D1's limit of ${MAX_ROW_BYTES} bytes per row`,
      true,
    );
  }

  const infoCode = (nav.shareUrl && infoCodeFromUrl(nav.shareUrl)) || findShareLinkCode(bodyMd) || infoCodeFromSlug(slug) || null;

  // Date: front matter, else filename, else infoCode digits.
  const rawDate = str(data.date).trim();
  let date: ParsedDate | null = rawDate ? parseDate(rawDate) : null;
  if (!date) {
    // `date:  +0800` is the scraper writing an empty date followed by the offset.
    const why = !rawDate
      ? "date is empty"
      : /^(?:[+-]\d{2}:?\d{2}|Z)$/.test(rawDate)
        ? `date is empty (only the offset "${rawDate}")`
        : `date "${rawDate}" is not YYYY-MM-DD[ HH:MM[:SS]][ ±HHMM]`;
    const fromCode = infoCode ? dateFromInfoCode(infoCode) : null;
    const fallback = fileDate ? { d: fileDate, from: "the filename" } : fromCode ? { d: fromCode, from: "the infoCode" } : null;
    if (!fallback) return fail(`${why}, and neither the filename nor an infoCode gives one`);
    date = parseDate(fallback.d);
    if (!date) return fail(`${why}, and ${fallback.from} does not hold a valid date (${fallback.d})`);
    warnings.push(`${why}; used ${fallback.d} (midnight, site time) from ${fallback.from}`);
  }
  if (!fileDate) warnings.push("filename has no YYYY-MM-DD- date prefix; the date came from the front matter or infoCode");
  const publishedAt = toInstant(date, ctx.timeZone);
  const local = localParts(publishedAt, ctx.timeZone);
  const day = dayOf(local);

  const rendered = renderBody(bodyMd, { siteHost: ctx.siteHost });

  let title = squash(str(data.title));
  if (!title) {
    const digest = /^(?:>[^\n]*(?:\n|$))+/.exec(bodyMd);
    const source = digest
      ? htmlToText(renderBody(digest[0].replace(/^>[ \t]?/gm, ""), { siteHost: ctx.siteHost }).html)
      : htmlToText(rendered.html);
    title = firstSentence(source);
    if (!title) return fail("title is empty and the body has no text to take one from");
    warnings.push(`title is empty; used the first sentence of the ${digest ? "digest" : "body"}: "${title}"`);
  }

  const categories = categoriesOf(data);
  const tags = tagsOf(data);
  const published = !(data.published === false || /^(false|no|off)$/i.test(str(data.published).trim()));
  let permalink = typeof data.permalink === "string" ? data.permalink.trim() || null : null;
  if (permalink && !permalink.startsWith("/")) {
    warnings.push(`permalink "${permalink}" does not start with '/'; treated as "/${permalink}"`);
    permalink = `/${permalink}`;
  }

  const post: Omit<PostRecord, "hash"> = {
    slug,
    infoCode,
    title,
    publishedAt,
    localDate: day,
    path: canonicalPath({
      categories: categories.list,
      localDate: day,
      localTime: timeOf(local),
      slug,
      permalink,
    }),
    categories: categories.list,
    categoriesRaw: categories.raw,
    tags,
    bodyMd,
    bodyHtml: rendered.html,
    summary: rendered.summary,
    firstImage: rendered.firstImage,
    sourceUrl: nav.sourceUrl,
    shareUrl: nav.shareUrl,
    backLink: nav.backLink,
    published,
    permalink,
  };
  // A UTF-16 unit is at most 3 UTF-8 bytes: most posts are clearly small without counting exactly.
  const size = upperBytes(post) <= MAX_ROW_BYTES ? 0 : rowBytes(post);
  if (size > MAX_ROW_BYTES) {
    return fail(`post is too large: its row would be ${size} bytes, over D1's limit of ${MAX_ROW_BYTES} bytes per row`, true);
  }
  // Each category and tag is also stored in its own row (lowercased key, name, label).
  const label = byteLength(tags[0] ?? "");
  const termBytes = Math.max(
    0,
    ...[...categories.list, categories.raw].map((c) => 2 * byteLength(c) + (label || byteLength(c))),
    ...tags.map((t) => 3 * byteLength(t)),
  );
  if (termBytes + 100 > MAX_ROW_BYTES) {
    return fail(
      `a category or tag is too long: its own row would be ${termBytes + 100} bytes, over D1's limit of ${MAX_ROW_BYTES} bytes per row`,
      true,
    );
  }
  const hash = await (ctx.sha256 ?? webSha256)(JSON.stringify([PARSER_VERSION, post]));
  return { ok: true, post: { ...post, hash }, warnings };
}
