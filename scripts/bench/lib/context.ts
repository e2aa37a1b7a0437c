/**
 * @module scripts/bench/lib/context
 * What every suite gets: the sizes of this run (full or --quick), a logger,
 * and the shared databases, built once per run and reused across suites and
 * across runs (a 100,000-post seed takes minutes).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureCorpus } from "./corpus";
import { countPosts } from "./d1file";
import { FEEDS_VERSION } from "../../../src/render-version";
import { ROOT, WORK } from "./env";
import { type Measured, runMeasured } from "./proc";

export interface Sizes {
  /** Bulk seed, publish, serving, load and capacity run on this many generated posts. */
  main: number;
  /** The small database publish latency is compared against. */
  publishSmall: number;
  jekyll: number;
  kill: number;
  killTrials: number;
  scaleSmall: number;
  scaleLarge: number;
  /** Repetitions of each measurement; the median and range are reported. */
  runs: number;
  seedRuns: number;
  publishRuns: number;
  jekyllRuns: number;
  /** wrk seconds per serving measurement */
  wrkSeconds: number;
  wrkConnections: number;
  inprocRequests: number;
  loadSeconds: number;
  loadConnections: number;
  /** Posts of the live day replayed by the firehose suite. */
  liveDay: number;
  /** The archive suite: this many databases of this many posts each, against one of them alone. */
  archiveDatabases: number;
  archivePerDatabase: number;
  /** Posts (whole bodies, one database) the search suite queries. */
  searchPosts: number;
}

export const FULL: Sizes = {
  main: 100_000,
  publishSmall: 1_000,
  jekyll: 5_000,
  kill: 10_000,
  killTrials: 6,
  scaleSmall: 10_000,
  scaleLarge: 1_000_000,
  runs: 3,
  seedRuns: 3,
  publishRuns: 5,
  jekyllRuns: 3,
  wrkSeconds: 5,
  wrkConnections: 8,
  inprocRequests: 2_000,
  loadSeconds: 60,
  loadConnections: 64,
  liveDay: 6_000,
  archiveDatabases: 10,
  archivePerDatabase: 100_000,
  searchPosts: 1_000_000,
};

export const QUICK: Sizes = {
  main: 2_000,
  publishSmall: 200,
  jekyll: 300,
  kill: 1_000,
  killTrials: 2,
  scaleSmall: 1_000,
  scaleLarge: 20_000,
  runs: 1,
  seedRuns: 1,
  publishRuns: 2,
  jekyllRuns: 1,
  wrkSeconds: 2,
  wrkConnections: 8,
  inprocRequests: 300,
  loadSeconds: 10,
  loadConnections: 16,
  liveDay: 1_500,
  archiveDatabases: 10,
  archivePerDatabase: 2_000,
  searchPosts: 20_000,
};

export interface Ctx {
  quick: boolean;
  sizes: Sizes;
  log: (s: string) => void;
  /** `wrangler deploy --dry-run` output of this run (the bundle suite makes it). */
  bundleFile?: string;
}

export const CORPUS_SEED = "bench";
export const mainCorpus = (ctx: Ctx) => join(WORK, `corpus-${ctx.sizes.main}`);
export const mainDb = (ctx: Ctx) => join(WORK, `db-${ctx.sizes.main}`);

/** The seed command line the benchmarks run, exactly as a maintainer would. */
export const seedArgs = (persistDir: string, paths: string[], options: string[] = []) => [
  "run",
  "--silent",
  "seed",
  "--",
  "--persist-to",
  persistDir,
  ...options,
  "--json",
  ...paths,
];
export const seedCommand = (persistDir: string, paths: string[], options: string[] = []) =>
  ["npm run seed -- --persist-to", persistDir, ...options, "--json", ...paths].join(" ");

/** Runs the seed and checks its JSON report; everything but the report went to stderr. */
export async function runSeedMeasured(
  persistDir: string,
  paths: string[],
  cwd: string,
  /** more seed options (`--config PATH`) */
  options: string[] = [],
): Promise<Measured & { report: SeedReport }> {
  const m = await runMeasured("npm", seedArgs(persistDir, paths, options), { cwd });
  let report: SeedReport;
  try {
    report = JSON.parse(m.stdout) as SeedReport;
  } catch {
    throw new Error(`seed gave no JSON report (exit ${m.status}):\n${m.stderr.slice(-3000)}`);
  }
  if (m.status !== 0) throw new Error(`seed exited ${m.status}: ${JSON.stringify(report.rejected.slice(0, 3))}`);
  return { ...m, report };
}

export interface SeedReport {
  scanned: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: { file: string; reason: string }[];
  warnings: unknown[];
}

/**
 * What a stored database was built by: its migrations and the code that writes feed entries. A
 * database built by other code is built again rather than measured.
 */
export const dbFormat = () =>
  `${readdirSync(join(ROOT, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .join(",")}|${FEEDS_VERSION}`;

/** The stamp a database of `count` posts carries. */
export const dbStamp = (count: number) => `${count}|${dbFormat()}`;

/** The main database (ctx.sizes.main generated posts), seeded by the real seed script unless already there. */
export async function ensureMainDb(ctx: Ctx, root: string): Promise<string> {
  const corpus = mainCorpus(ctx);
  const db = mainDb(ctx);
  ensureCorpus(corpus, ctx.sizes.main, CORPUS_SEED);
  const stamp = join(db, ".bench-db");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === dbStamp(ctx.sizes.main) && countPosts(db) >= ctx.sizes.main) return db;
  ctx.log(`  seeding ${ctx.sizes.main} posts into ${db} (not timed here)`);
  rmSync(db, { recursive: true, force: true });
  mkdirSync(db, { recursive: true });
  await runSeedMeasured(db, [corpus], root);
  writeFileSync(stamp, dbStamp(ctx.sizes.main));
  return db;
}
