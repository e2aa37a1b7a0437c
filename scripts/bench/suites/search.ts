/**
 * @module scripts/bench/suites/search
 * Search at the archive's scale of one database: N generated posts with
 * their whole bodies (a full run: 1,000,000) built through the seed's write
 * path, index included; then each kind of query a reader types, asked of the
 * bundle's own fetch handler in this process over the SQLite file (what
 * Cloudflare bills plus SQLite's time), and the index's share of the file.
 * The bulk seed's throughput with the index is the seed suite's.
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseQuery } from "../../../src/content/search-text";
import { buildSmallBodyDb } from "../lib/build-db";
import type { Ctx } from "../lib/context";
import { d1File, duBytes } from "../lib/d1file";
import { siteVars, WORK } from "../lib/env";
import { openInProc } from "../lib/inproc";
import { type Spread, spread } from "../lib/stats";

export const SEARCH_SEED = "search";

/** What readers type, in the generator's vocabulary (scripts/lib/corpus-gen.ts). */
const QUERIES = [
  { key: "2-common", label: "2 characters, in most posts", q: "同比" },
  { key: "2", label: "2 characters", q: "降准" },
  { key: "3", label: "3 characters", q: "兴业银" },
  { key: "6", label: "6 characters", q: "跨境理财试点" },
  { key: "ticker", label: "a number word, ticker-like (rare)", q: "4821" },
  { key: "latin-char", label: "a number and one Chinese character (as A股)", q: "4821亿" },
  { key: "two-words", label: "two words, both required", q: "降准 宁德时代" },
  {
    key: "eight-words",
    label: "eight words, all required (the most a query may have)",
    q: "降准 宁德时代 跨境理财 兴业银行 北向资金 分红方案 同比 规模",
  },
  { key: "none", label: "no post holds it", q: "量子计算" },
] as const;

export async function searchSuite(ctx: Ctx) {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const n = ctx.sizes.searchPosts;
  const dir = join(WORK, `db-search-${n}`);
  ctx.log(`  building ${n} posts with whole bodies`);
  const built = await buildSmallBodyDb(dir, n, SEARCH_SEED, ctx.log, { fullBodies: true });
  ctx.log(`  ${built.cached ? "reused" : "built"}: ${built.posts} posts in ${built.seconds.toFixed(0)} s`);
  const file = d1File(dir) as string;
  const fileBytes = duBytes(file) + duBytes(`${file}-wal`);

  const db = new DatabaseSync(file, { readOnly: true });
  const indexBytes = (
    db
      // The FTS5 table and its shadow tables, and the key's index on posts (the key's few bytes inside
      // each posts row stay counted with the rest).
      .prepare(
        "SELECT coalesce(sum(pgsize), 0) AS b FROM dbstat WHERE name LIKE 'post_search%' OR name LIKE 'sqlite_autoindex_post_search%' OR name = 'posts_search_key'",
      )
      .get() as { b: number }
  ).b;
  const pageBytes = (
    db.prepare("SELECT page_count * page_size AS b FROM pragma_page_count, pragma_page_size").get() as { b: number }
  ).b;
  const busiest = (
    db.prepare("SELECT key FROM post_terms WHERE kind = 'c' GROUP BY key ORDER BY count(*) DESC LIMIT 1").get() as { key: string }
  ).key;
  const matches = Object.fromEntries(
    QUERIES.map((x) => [
      x.key,
      (db.prepare("SELECT count(*) AS n FROM post_search WHERE post_search MATCH ?").get(matchOf(x.q)) as { n: number }).n,
    ]),
  );
  db.close();

  const asks = [
    ...QUERIES.map((x) => ({ ...x, path: `/search?q=${encodeURIComponent(x.q)}` })),
    {
      key: "category",
      label: `2 characters within the busiest category (${busiest})`,
      q: "降准",
      path: `/search?q=${encodeURIComponent("降准")}&category=${encodeURIComponent(busiest)}`,
    },
    {
      key: "feed",
      label: "Atom feed of a 2-character search, 20 entries",
      q: "降准",
      path: `/search/atom.xml?q=${encodeURIComponent("降准")}&limit=20`,
    },
  ];
  const inproc = await openInProc(ctx.bundleFile, dir, siteVars());
  const samples: Record<string, { cpu: number[]; sql: number[]; wall: number[]; queries: number; bytes: number }> = {};
  try {
    for (let run = 0; run < ctx.sizes.runs; run++) {
      for (const a of asks) {
        const r = await inproc.measureCalls(
          a.key,
          () => new Request(`https://finews.withounder.com${a.path}`),
          Math.max(50, Math.round(ctx.sizes.inprocRequests / 10)),
          [200],
        );
        const s = (samples[a.key] ??= { cpu: [], sql: [], wall: [], queries: 0, bytes: 0 });
        s.cpu.push(r.cpuMs);
        s.sql.push(r.sqlMs);
        s.wall.push(r.wallMs);
        s.queries = r.queriesPerRequest;
        s.bytes = r.bytes;
      }
    }
  } finally {
    inproc.close();
  }
  const rows = asks.map((a) => {
    const s = samples[a.key] as (typeof samples)[string];
    return {
      key: a.key,
      label: a.label,
      q: a.q,
      path: a.path,
      matches: (matches as Record<string, number>)[a.key] ?? null,
      cpuMs: spread(s.cpu) as Spread,
      sqlMs: spread(s.sql) as Spread,
      wallMs: spread(s.wall) as Spread,
      queries: s.queries,
      bytes: s.bytes,
    };
  });
  return {
    posts: built.posts,
    buildSeconds: built.seconds,
    fileBytes,
    pageBytes,
    indexBytes,
    /** bytes per post of everything but the index, and of the index */
    perPost: { rest: (pageBytes - indexBytes) / built.posts, index: indexBytes / built.posts },
    rows,
    commands: [
      `scripts/bench/lib/build-db.ts: first post via npm run seed, the rest parsed by src/content and written by src/db/archive-sync (the seed's write path, index included) into one SQLite file (generator seed "${SEARCH_SEED}", whole bodies)`,
      "each search asked of the bundle's fetch handler in this process (scripts/bench/lib/inproc.ts), SQLite's time included; index size from SQLite's dbstat (post_search, its shadow tables and posts_search_key)",
    ],
  };
}

/** The expression the Worker asks of the index (src/db/reads searchMatch), for counting matches. */
function matchOf(q: string): string {
  const p = parseQuery(q);
  if (!p.ok) throw new Error(`bench query ${q}: ${p.reason}`);
  return `body : (${p.match})`;
}
