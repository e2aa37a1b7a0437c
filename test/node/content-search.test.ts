/**
 * @module test/node/content-search
 * The search tokens and queries, checked against SQLite's own FTS5 (the
 * index D1 runs) rather than a model of it: a query finds a text exactly
 * when the text holds it, Chinese characters anywhere, Latin words whole.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { BOUNDARY, indexText, MAX_QUERY_CHARS, parseQuery } from "../../src/content/search-text";
import { ROOT } from "../support/fixtures";
import { holds } from "../support/search-oracle";

/** The index exactly as migration 0008 creates it. */
const CREATE = /CREATE VIRTUAL TABLE[^;]+/.exec(readFileSync(join(ROOT, "migrations/0008_search.sql"), "utf8"))?.[0] as string;
const db = new DatabaseSync(":memory:");
db.exec(CREATE);
const insert = db.prepare("INSERT INTO post_search (rowid, body, cats) VALUES (?, ?, '')");
const found = db.prepare("SELECT rowid FROM post_search WHERE post_search MATCH ?");
const clear = db.prepare("DELETE FROM post_search WHERE rowid = 1");
afterAll(() => db.close());

/** Whether FTS5 finds `text` for `query` (null: the query is refused). */
function ftsFinds(text: string, query: string): boolean | null {
  const q = parseQuery(query);
  if (!q.ok) return null;
  insert.run(1, indexText(text));
  try {
    return found.all(`body : (${q.match})`).length > 0;
  } finally {
    clear.run();
  }
}

describe("indexText", () => {
  it("splits Chinese runs into overlapping bigrams and their last character, and keeps Latin words, lowercased", () => {
    expect(indexText("央行宣布降息")).toBe("央行 行宣 宣布 布降 降息 息");
    expect(indexText("TechWeb 报道 HFO-1234yf")).toBe(`techweb ${BOUNDARY} 报道 道 ${BOUNDARY} hfo 1234yf`);
    expect(indexText("ＡＢＣ６０１１６６")).toBe("abc601166");
  });

  it("keeps runs apart from each other, so a phrase never spans punctuation", () => {
    // Between Chinese runs the last character stands between; between Chinese and Latin, a boundary.
    expect(indexText("股市，市场")).toBe("股市 市 市场 场");
    expect(indexText("股市 A股")).toBe(`股市 市 ${BOUNDARY} a 股`);
    expect(indexText("A股市场abc")).toBe("a 股 股市 市场 场 abc");
  });
});

describe("parseQuery", () => {
  it("makes each part a quoted phrase, all parts required", () => {
    expect(parseQuery("  降息   HFO-1234yf ")).toEqual({ ok: true, text: "降息 HFO-1234yf", match: '"降息" AND "hfo 1234yf"' });
  });

  it("finds one Chinese character next to a Latin word with plain phrases, never a prefix search", () => {
    expect(indexText("A股市场")).toBe("a 股 股市 市场 场");
    expect(parseQuery("A股")).toMatchObject({ match: '"a 股"' });
    expect(parseQuery("A股市")).toMatchObject({ match: '"a 股 股市"' });
    expect(parseQuery("港股ETF")).toMatchObject({ match: '"港股 股 etf"' });
  });

  it.each([
    ['"央行" OR 1=1', '"央行" AND "or" AND "1 1"'],
    ["降息* NEAR(股市 市场)", `"降息" AND "near ${BOUNDARY} 股市" AND "市场"`],
    ["((NOT 股市", '"not" AND "股市"'],
    ["a\u0000b\tc", '"a" AND "b" AND "c"'],
    ["col:股市 {body}:x ^y", `"col ${BOUNDARY} 股市" AND "body x" AND "y"`],
  ])("keeps %j out of FTS5 syntax", (q, match) => {
    expect(parseQuery(q)).toMatchObject({ ok: true, match });
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["股", /at least two characters/],
    ["降息 股", /"股": a Chinese word to search for needs at least two characters/],
    ["市场，股", /"市场,股": a Chinese word to search for needs at least two characters/],
    ["!!! ？？", /no letters/],
    ["股".repeat(MAX_QUERY_CHARS + 1), /longer than 100/],
    ["a b c d e f g h i", /more than 8 words/],
    ["x".repeat(10_000), /longer than 100/],
  ])("refuses %j with a reason", (q, reason) => {
    const r = parseQuery(q);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("never hands FTS5 an expression it cannot parse", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (q) => {
        expect(ftsFinds("央行宣布降息 A股 HFO-1234yf", q)).not.toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe("FTS5 over the tokens", () => {
  const text = fc.string({ unit: fc.constantFrom(..."股市场央行降息科技，。 -aAb1"), maxLength: 40 });

  it("finds a text exactly when it holds the query (Chinese anywhere, Latin words whole)", () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, i, n) => {
        // A piece of the text itself half the time, so most queries have something to find.
        const start = i % (t.length + 1);
        const q = i % 2 ? t.slice(start, start + 1 + (n % 6)) : (["股市", "a股", "股a", "央行 降息", "A", "b1"][n % 6] as string);
        const got = ftsFinds(t, q);
        if (got === null) return;
        expect(got).toBe(holds(t, q));
      }),
      { numRuns: Number(process.env.SEARCH_RUNS ?? 4000) },
    );
  });

  it("finds a Chinese phrase of two or more characters exactly when the text contains it", () => {
    fc.assert(
      fc.property(text, fc.string({ unit: fc.constantFrom(..."股市场央行降息科技"), minLength: 2, maxLength: 5 }), (t, q) => {
        expect(ftsFinds(t, q)).toBe(t.toLowerCase().includes(q));
      }),
      { numRuns: 3000 },
    );
  });
});
