/**
 * @module test/support/search-oracle
 * What a search should find, by brute force over the plain text, written
 * apart from src/content/search-text: a query holds in a text when every
 * space-separated part does; a part holds where it occurs in the text with
 * any run of punctuation or spaces standing for any other, Chinese
 * characters anywhere, Latin letters and digits as whole words.
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;
const WORD = /[\p{L}\p{N}]/u;

/** Lowercase NFKC text with every run of non-letters as one `|`. */
const gaps = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "|");
const latin = (c: string | undefined) => c !== undefined && WORD.test(c) && !CJK.test(c);

function partHolds(text: string, part: string): boolean {
  const p = gaps(part).replace(/^\|+|\|+$/g, "");
  if (!p) return true;
  const chars = [...p];
  for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) {
    const before = i > 0 ? text[i - 1] : undefined;
    const after = text[i + p.length];
    if (latin(chars[0]) && latin(before)) continue;
    if (latin(chars[chars.length - 1]) && latin(after)) continue;
    return true;
  }
  return false;
}

/** Whether `text` holds every part of `query` (the caller has checked the query is accepted). */
export function holds(text: string, query: string): boolean {
  const t = gaps(text);
  return query
    .split(/\s+/)
    .filter(Boolean)
    .every((part) => partHolds(t, part));
}
