import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { QUERIES } from "../../src/db/queries";
import { makePost, seedPosts } from "./helpers";

/** A search key of about now (db/search-writes). */
const KEY = Math.trunc(Date.now() / 1000) * 256;

/** Bind values for each query's parameters: a plan must not depend on them. */
const PARAMS: Record<keyof typeof QUERIES, unknown[]> = {
  latest: [Date.now(), Date.now(), 1, 20],
  inTerm: ["c", "emnews", Date.now(), Date.now(), 1, 30],
  sitePage: [Date.now(), Date.now(), 1, 20, 1000, Date.now() - 86_400_000],
  termPage: ["emnews", "c", "r", Date.now(), Date.now(), 1, 20, 1000, Date.now() - 86_400_000],
  siteFeedAtom: [Date.now(), Date.now(), 1, 20, Date.now(), 5],
  siteFeedRss: [Date.now(), Date.now(), 1, 20, Date.now(), 5],
  siteFeedJson: [Date.now(), Date.now(), 1, 20, Date.now(), 5],
  termFeedAtom: ["c", "emnews", Date.now(), Date.now(), 1, 20, Date.now(), 5],
  termFeedRss: ["t", "东财滚动新闻", Date.now(), Date.now(), 1, 20, Date.now(), 5],
  termFeedJson: ["c", "emnews", Date.now(), Date.now(), 1, 20, Date.now(), 5],
  bySlug: ["NW1"],
  fileOfSlug: ["NW1"],
  hashesOf: [JSON.stringify(["plan-1", "plan-2"])],
  byPath: ["/emnews/2024/01/02/x.html"],
  byInfoCode: ["NW202201010000001", Date.now()],
  liveTerm: ["emnews", "c", "r", Date.now()],
  terms: ["c", Date.now()],
  sitemapDays: [Date.now()],
  sitemapPage: [0, Date.now(), Date.now(), 50000, 0],
  countBetween: [0, Date.now(), Date.now()],
  changedSince: ["site", "c:emnews", null, null, null, null, null, null, Date.now()],
  changesAfter: [0, 100],
  changeHead: [],
  termsByKey: [
    JSON.stringify([
      ["c", "cat1"],
      ["t", "tag2"],
    ]),
  ],
  entriesPage: [Date.now(), 1, 50],
  search: ['body : ("股市")', Date.now(), KEY, null, 21],
  searchPage: ['cats : "c1" AND body : ("股市")', Date.now(), KEY, "cat1", 1000],
  searchFeedAtom: ['body : ("股市")', Date.now(), KEY, null, 20, KEY - 256],
  searchFeedRss: ['body : ("股市")', Date.now(), KEY, "cat1", 20, KEY - 256],
  searchFeedJson: ['body : ("a 股"*)', Date.now(), KEY, null, 20, KEY - 256],
};

/** A search: FTS5 walks the matches in key order (no sort), each one probe of posts by its key. */
const SEARCH_PLAN = /SCAN s VIRTUAL TABLE INDEX \d+:M.*SEARCH p USING INDEX posts_search_key \(search_key=\?\)/;

/** The index each query must search (a plan that merely "uses an index" can still walk all posts). */
const EXPECTED: Record<keyof typeof QUERIES, RegExp> = {
  latest: /SEARCH p USING INDEX posts_published_time/,
  inTerm: /SEARCH t USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\?/,
  sitePage:
    /^(?=.*SEARCH p USING INDEX posts_published_time)(?=.*SEARCH w USING COVERING INDEX posts_published_time \(published_at>\? AND published_at<\?\))/,
  siteFeedAtom: /SEARCH p USING INDEX posts_published_time/,
  siteFeedRss: /SEARCH p USING INDEX posts_published_time/,
  siteFeedJson: /SEARCH p USING INDEX posts_published_time/,
  termFeedAtom: /SEARCH t USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\?/,
  termFeedRss: /SEARCH t USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\?/,
  termFeedJson: /SEARCH t USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\?/,
  termPage:
    /SEARCH t USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\?.*SEARCH terms USING (COVERING )?INDEX sqlite_autoindex_terms_1 \(kind=\? AND key=\?\)/,
  bySlug: /SEARCH p USING INDEX posts_slug \(slug=\?\)/,
  fileOfSlug: /SEARCH p USING INDEX posts_slug \(slug=\?\)/,
  hashesOf: /SEARCH p USING COVERING INDEX posts_slug_hash \(slug=\?\)/,
  byPath: /SEARCH p USING INDEX posts_path \(path=\?\)/,
  byInfoCode: /SEARCH p USING INDEX posts_info_code \(info_code=\?/,
  liveTerm:
    /^(?=.*SEARCH t USING INDEX sqlite_autoindex_terms_1 \(kind=\? AND key=\?\))(?=.*SEARCH pt (EXISTS )?USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\? AND published_at<\?\))/,
  terms:
    /SEARCH t USING INDEX sqlite_autoindex_terms_1 \(kind=\?\).*SEARCH pt (EXISTS )?USING COVERING INDEX sqlite_autoindex_post_terms_1 \(kind=\? AND key=\? AND published_at<\?\)/,
  sitemapDays: /SEARCH posts USING COVERING INDEX posts_published_time \(published_at<\?\)/,
  sitemapPage: /SEARCH posts USING INDEX posts_published_time \(published_at>\? AND published_at<\?\)/,
  countBetween: /SEARCH posts USING COVERING INDEX posts_published_time \(published_at>\? AND published_at<\?\)/,
  changedSince:
    /^(?=.*SEARCH cache_changes USING INDEX cache_changes_tag \(tag=\?\))(?=.*SEARCH edge_changes USING INDEX sqlite_autoindex_edge_changes_1 \(tag=\?\))/,
  changesAfter: /SEARCH cache_changes USING INTEGER PRIMARY KEY \(rowid>\?\)/,
  changeHead: /^SEARCH cache_changes$/,
  termsByKey: /SEARCH t USING INDEX sqlite_autoindex_terms_1 \(kind=\? AND key=\?\)/,
  entriesPage: /SEARCH p USING INDEX posts_published_time/,
  search: SEARCH_PLAN,
  searchPage: SEARCH_PLAN,
  searchFeedAtom: SEARCH_PLAN,
  searchFeedRss: SEARCH_PLAN,
  searchFeedJson: SEARCH_PLAN,
};

describe("query plans of every hot read", () => {
  beforeAll(async () => {
    // Enough rows that the planner has real choices; ANALYZE so it uses statistics as production would.
    const posts = Array.from({ length: 300 }, (_, i) =>
      makePost({
        slug: `plan-${i}`,
        publishedAt: Date.UTC(2024, 0, 1) + i * 60000,
        categories: [`cat${i % 7}`],
        tags: [`tag${i % 5}`],
      }),
    );
    await seedPosts(posts);
    await env.DB.prepare("ANALYZE").run();
  });

  for (const [name, sql] of Object.entries(QUERIES) as [keyof typeof QUERIES, string][]) {
    it(`${name} walks an index and never scans posts`, async () => {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...PARAMS[name])
        .all<{ detail: string }>();
      const details = results.map((r) => r.detail);
      expect(details.join(" | "), details.join(" | ")).toMatch(EXPECTED[name]);
      for (const d of details) {
        // "SCAN p" / "SCAN posts" alone is a full table scan; "SCAN … USING INDEX" walks an index in order.
        // A bare "SEARCH <table>" is SQLite's one-probe min()/max() of the rowid.
        if (/^(SCAN|SEARCH) (p|pt|w|posts|t|post_terms|terms|cache_changes|edge_changes)\b/.test(d) && !/^SEARCH \w+$/.test(d)) {
          // Or the search index, walked by a MATCH (FTS5's index number ends in M, for match, and a column).
          expect(d, `${name}: ${details.join(" | ")}`).toMatch(
            /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY|VIRTUAL TABLE INDEX \d+:M/,
          );
        }
        expect(d, `${name}: ${details.join(" | ")}`).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
      }
    });
  }
});
