/**
 * @module content/search-text
 * Text as the search index stores it, and queries as it is asked them, in
 * tokens separated by single spaces, as SQLite FTS5's `ascii` tokenizer (migration
 * 0008) splits them.
 *
 * - A run of Chinese (or Japanese, Korean) becomes its overlapping bigrams and
 *   then its last character (`降息周期` → `降息 息周 周期 期`): a query of two
 *   or more characters, as a phrase of its bigrams, matches exactly the texts
 *   that contain it, and the last character lets a query such as `股ETF`
 *   find `港股ETF`. Right after a Latin word a run's first character stands
 *   alone as well (`A股市` → `a 股 股市 市`), so `A股` is a plain phrase too:
 *   no query is ever a prefix search, whose cost FTS5 does not bound. A part
 *   that ends in one Chinese character on its own is refused instead.
 * - A run of Latin letters and digits becomes one lowercase word
 *   (`HFO-1234yf` → `hfo 1234yf`, found as a phrase): words match whole.
 * - Runs that punctuation or spaces separate never join into one phrase:
 *   after a Chinese run its last character stands between, and between a
 *   Chinese and a Latin run a boundary token does (`股市，市场` must not match
 *   `股市场`, nor `A 股` match `A股`).
 *
 * Work at write time: the seed's parse threads do it once per post.
 */
import { fnv1a, squash } from "./text";
import { htmlToText } from "./render";

/** Han, kana, Hangul (BMP): written without spaces, so indexed as bigrams. */
const CJK_RANGES: [number, number][] = [
  [0x3040, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0xac00, 0xd7af],
];
const WORD = /^[\p{L}\p{N}]$/u;

const NONE = 1;
const CJK = 2;
const WORD_CHAR = 3;
/** Each BMP code unit's class, learnt on first sight (a post's text is mostly a few hundred distinct characters). */
const classes = new Uint8Array(0x10000);

function classOf(c: number): number {
  let k = classes[c] as number;
  if (k) return k;
  if (CJK_RANGES.some(([lo, hi]) => c >= lo && c <= hi)) k = CJK;
  else if (c >= 0xd800 && c <= 0xdfff) k = NONE;
  else k = WORD.test(String.fromCharCode(c)) ? WORD_CHAR : NONE;
  classes[c] = k;
  return k;
}

/**
 * Stands between runs a phrase must not join: a private-use character, which FTS5 keeps as a
 * token, NFKC leaves alone, and queries never contain (it is not a letter or digit).
 */
export const BOUNDARY = "\ue000";

interface Run {
  text: string;
  cjk: boolean;
  /** Apart from the run before it (something that is not a letter or digit lies between). */
  apart: boolean;
}

/**
 * Maximal runs of Chinese characters, and of other letters and digits, in NFKC lowercase text.
 * A loop over code units with a class table, not a Unicode-property regex: this runs on every
 * post the seed writes, and the regex took 110 µs a post.
 */
function runsOf(text: string): Run[] {
  const s = text.normalize("NFKC").toLowerCase();
  const runs: Run[] = [];
  let start = -1;
  let kind = NONE;
  let end = -1;
  const close = (at: number) => {
    if (start >= 0) runs.push({ text: s.slice(start, at), cjk: kind === CJK, apart: end >= 0 && start > end });
    if (start >= 0) end = at;
    start = -1;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let k: number;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      // A character outside the BMP (two code units): a letter or digit is a word character.
      const cp = s.codePointAt(i) as number;
      width = cp > 0xffff ? 2 : 1;
      k = WORD.test(String.fromCodePoint(cp)) ? WORD_CHAR : NONE;
    } else k = classOf(c);
    if (k !== kind || k === NONE) {
      close(i);
      kind = k;
      if (k !== NONE) start = i;
    }
    i += width - 1;
  }
  close(s.length);
  return runs;
}

/**
 * A run's tokens. `tail`: a Chinese run of two or more characters ends with its last character
 * alone; a query leaves it off its last run, whose text may go on in a post.
 */
function pushRun(out: string[], prev: Run | undefined, run: Run, tail: boolean): void {
  // Between two Chinese runs the first one's last character already stands apart (no bigram spans the gap).
  if (prev && run.apart && run.cjk !== prev.cjk) out.push(BOUNDARY);
  const w = run.text;
  if (!run.cjk || w.length === 1) {
    out.push(w);
    return;
  }
  // Right after a Latin word, a run's first character stands alone too (`A股` is in `A股市`).
  if (prev && !run.apart && !prev.cjk) out.push(w.slice(0, 1));
  for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(i, i + 2));
  if (tail) out.push(w.slice(-1));
}

/**
 * The tokens a text is indexed as, space-separated: what runsOf and pushRun (with tails) make of
 * it, in one pass that writes tokens as it meets them (the seed tokenizes every post it writes;
 * building runs first cost a third more). test/node/content-search.test.ts holds the two together.
 */
export function indexText(text: string): string {
  const s = text.normalize("NFKC").toLowerCase();
  const n = s.length;
  let out = "";
  let end = -1;
  let prev = NONE;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const astral = c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.codePointAt(i) as number) > 0xffff;
    const k = astral ? (WORD.test(String.fromCodePoint(s.codePointAt(i) as number)) ? WORD_CHAR : NONE) : classOf(c);
    if (k === NONE) {
      i += astral ? 2 : 1;
      continue;
    }
    if (end >= 0 && i > end && k !== prev) out += `${BOUNDARY} `;
    const start = i;
    if (k === CJK) {
      // Right after a Latin word, a run's first character stands alone too (as pushRun).
      if (end === i && prev === WORD_CHAR && i + 1 < n && classOf(s.charCodeAt(i + 1)) === CJK) out += `${s[i]} `;
      for (i++; i < n && classOf(s.charCodeAt(i)) === CJK; i++) out += `${s[i - 1]}${s[i]} `;
      out += `${s[i - 1]} `;
    } else {
      for (i += astral ? 2 : 1; i < n; ) {
        const d = s.charCodeAt(i);
        if (d >= 0xd800 && d <= 0xdbff && i + 1 < n && (s.codePointAt(i) as number) > 0xffff) {
          if (!WORD.test(String.fromCodePoint(s.codePointAt(i) as number))) break;
          i += 2;
        } else if (classOf(d) === WORD_CHAR) i++;
        else break;
      }
      out += `${s.slice(start, i)} `;
    }
    end = i;
    prev = k;
  }
  return out.slice(0, -1);
}

/**
 * Characters of a post's text that are searchable: its tokens (up to three characters for each)
 * must stay under D1's 2,000,000-byte limit for one value. Real posts run to a few thousand.
 */
export const MAX_INDEXED_CHARS = 150_000;

/** What a post is searched by: its title and the text of its body, never joined into one phrase. */
export const searchDocument = (title: string, bodyHtml: string): string =>
  indexText(`${title}\n${htmlToText(bodyHtml)}`.slice(0, MAX_INDEXED_CHARS));

/**
 * The token a post's category (or raw `categories:` string) is indexed as, by its lookup key: a
 * hash, so any name is one plain word, and `category=` narrows a search inside the index.
 */
export const categoryToken = (key: string): string => `c${fnv1a(key)}`;

/** The longest query accepted, in characters (after spaces are squashed). */
export const MAX_QUERY_CHARS = 100;
/** The most words (space-separated parts) a query may require: each is one more list to intersect. */
export const MAX_QUERY_WORDS = 8;

/** Why a query cannot be searched: a code for pages to word in their language, and the reason in English. */
export type QueryProblem =
  | { code: "empty" | "too-long" | "no-words" | "too-many-words"; reason: string }
  | { code: "single-char"; reason: string /** the part that is one Chinese character */; part: string };

export type SearchQuery =
  | {
      ok: true /** the query as shown back (squashed) */;
      text: string /** FTS5 expression over the text column */;
      match: string;
    }
  | ({ ok: false } & QueryProblem);

/** One space-separated part of a query as an FTS5 phrase, or null when it holds no token. */
function phraseOf(part: string): { phrase: string; lone: boolean } | null {
  const runs = runsOf(part);
  const last = runs[runs.length - 1];
  if (!last) return null;
  const tokens: string[] = [];
  for (const [i, run] of runs.entries()) pushRun(tokens, runs[i - 1], run, i < runs.length - 1);
  // A part that ends in one Chinese character on its own (`股`, `市场，股`) would need a prefix
  // search; right after a Latin word (`A股`) that character is a token of its own in posts too.
  const lone = last.cjk && last.text.length === 1 && (runs.length === 1 || last.apart);
  return { phrase: `"${tokens.join(" ")}"`, lone };
}

/**
 * A user's query as an FTS5 expression: each space-separated part a quoted phrase of its tokens,
 * all parts required. Nothing the user types reaches FTS5 syntax: tokens hold only letters,
 * digits and CJK, so quotes, `*`, `NEAR`, `AND`/`OR`/`NOT` and parentheses are words or nothing.
 */
export function parseQuery(raw: string): SearchQuery {
  const tooLong = { ok: false, code: "too-long", reason: `the query is longer than ${MAX_QUERY_CHARS} characters` } as const;
  // Before any work on it: a 10 KB query is refused without being normalized.
  if (raw.length > MAX_QUERY_CHARS * 4) return tooLong;
  const text = squash(raw.normalize("NFKC").replace(/\p{Cc}/gu, " "));
  if (!text) return { ok: false, code: "empty", reason: "the query is empty: type a word to search for" };
  if ([...text].length > MAX_QUERY_CHARS) return tooLong;
  const phrases: string[] = [];
  for (const part of text.split(" ")) {
    const p = phraseOf(part);
    if (!p) continue;
    if (p.lone) {
      return {
        ok: false,
        code: "single-char",
        part,
        reason: `"${part}": a Chinese word to search for needs at least two characters`,
      };
    }
    phrases.push(p.phrase);
  }
  if (phrases.length > MAX_QUERY_WORDS) {
    return { ok: false, code: "too-many-words", reason: `the query has more than ${MAX_QUERY_WORDS} words` };
  }
  if (!phrases.length) {
    return { ok: false, code: "no-words", reason: "the query has no letters, digits or Chinese characters to search for" };
  }
  return { ok: true, text, match: phrases.join(" AND ") };
}
