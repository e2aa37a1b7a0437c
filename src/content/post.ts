/**
 * @module content/post
 * One markdown file → one post record (or a rejection with its reason),
 * following the rules in docs/content-format.md. Pure: bytes in, data out.
 */
import { localDate, parseDate, type ParsedDate, toInstant } from "./dates";
import { FrontMatterError, readFrontMatter, readKnownKeys, splitFrontMatter, termList } from "./frontmatter";
import { dateFromInfoCode, infoCodeFromUrl, normalizeInfoCode } from "./infocode";
import { extractTrailingNav } from "./nav";
import { canonicalPath, parseFilename } from "./permalink";
import { htmlToText, renderBody } from "./render";
import { decodeUtf8, InvalidUtf8Error, squash, stripForbiddenChars, truncate } from "./text";
import type { PostRecord } from "./types";

/** Bump when parsing or rendering changes, so re-seeding rewrites every post. */
export const PARSER_VERSION = 1;
/** D1's limit for one row (string/BLOB/row size). */
export const MAX_ROW_BYTES = 2_000_000;

export interface ParseContext {
  timeZone: string;
  /** Host of SITE_URL: links to it inside bodies become site paths. */
  siteHost: string;
}

export type ParseResult = { ok: true; post: PostRecord; warnings: string[] } | { ok: false; reason: string; warnings: string[] };

const utf8 = new TextEncoder();
const byteLength = (s: string | null) => (s ? utf8.encode(s).length : 0);

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", utf8.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function firstSentence(text: string): string {
  const t = squash(text);
  const m = /^(.+?[。！？!?])/.exec(t);
  return truncate(m ? (m[1] as string) : t, 80);
}

function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : String(v);
}

/** Parses one post file. `basename` is the file's name (for slug and date). */
export async function parsePost(bytes: Uint8Array, basename: string, ctx: ParseContext): Promise<ParseResult> {
  const warnings: string[] = [];
  const fail = (reason: string): ParseResult => ({ ok: false, reason, warnings });

  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (err) {
    if (err instanceof InvalidUtf8Error) return fail(err.message);
    throw err;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, "\n");
  const cleaned = stripForbiddenChars(text);
  if (cleaned.removed) {
    warnings.push(`removed ${cleaned.removed} control or non-character code point${cleaned.removed > 1 ? "s" : ""}`);
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
  // YAML types scalars (`date:  +0800` is the number 800, `title: yes` is true); these keys are text.
  const lines = readKnownKeys(split.yaml);
  const data = { ...fm.data };
  for (const key of ["title", "date", "permalink"]) {
    if (data[key] !== undefined && typeof data[key] !== "string" && typeof lines[key] === "string") data[key] = lines[key];
  }

  const nav = extractTrailingNav(split.body, ctx.siteHost);
  const bodyMd = nav.body.trim();

  const infoCode = (nav.shareUrl && infoCodeFromUrl(nav.shareUrl)) || normalizeInfoCode(slug);

  // Date: front matter, else filename, else infoCode digits.
  if (!fileDate) warnings.push("filename has no YYYY-MM-DD- prefix");
  const rawDate = str(data.date).trim();
  let date: ParsedDate | null = rawDate ? parseDate(rawDate) : null;
  if (!date) {
    const why = rawDate ? `date "${rawDate}" is not YYYY-MM-DD[ HH:MM[:SS]][ ±HHMM]` : "date is empty";
    const fallback = fileDate
      ? { d: fileDate, from: "the filename" }
      : infoCode
        ? { d: dateFromInfoCode(infoCode), from: "the infoCode" }
        : null;
    if (!fallback?.d) return fail(`${why}, and neither the filename nor an infoCode gives one`);
    date = parseDate(fallback.d);
    if (!date) return fail(`${why}, and ${fallback.from} does not hold a valid date`);
    warnings.push(`${why}; used ${fallback.d} from ${fallback.from}`);
  }
  const publishedAt = toInstant(date, ctx.timeZone);
  const day = localDate(publishedAt, ctx.timeZone);

  const rendered = renderBody(bodyMd, { siteHost: ctx.siteHost });

  let title = squash(str(data.title));
  if (!title) {
    const digest = /^(?:>[ \t]?.*(?:\n|$))+/.exec(bodyMd);
    const source = digest ? digest[0].replace(/^>[ \t]?/gm, "") : htmlToText(rendered.html);
    title = firstSentence(htmlToText(renderBody(source, { siteHost: ctx.siteHost }).html));
    if (!title) return fail("title is empty and the body has no text to take one from");
    warnings.push(`title is empty; used the first sentence of the ${digest ? "digest" : "body"}: "${title}"`);
  }

  const categories = termList(data, "category", "categories");
  const tags = termList(data, "tag", "tags");
  const published = !(data.published === false || /^(false|no|off)$/i.test(str(data.published)));
  let permalink = str(data.permalink).trim() || null;
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
    path: canonicalPath({ categories: categories.list, localDate: day, slug, permalink }),
    categories: categories.list,
    categoriesRaw: categories.raw,
    tags: tags.list,
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
  const hash = await sha256Hex(JSON.stringify([PARSER_VERSION, post]));
  const size =
    byteLength(post.bodyMd) +
    byteLength(post.bodyHtml) +
    byteLength(post.summary) +
    byteLength(post.title) +
    byteLength(post.path) +
    byteLength(JSON.stringify(post.categories)) +
    byteLength(JSON.stringify(post.tags)) +
    byteLength(post.categoriesRaw) +
    byteLength(post.sourceUrl) +
    byteLength(post.shareUrl) +
    byteLength(post.firstImage) +
    byteLength(post.permalink) +
    200;
  if (size > MAX_ROW_BYTES) {
    return fail(`post is too large: its row would be ${size} bytes, over D1's limit of ${MAX_ROW_BYTES} bytes`);
  }
  return { ok: true, post: { ...post, hash }, warnings };
}
