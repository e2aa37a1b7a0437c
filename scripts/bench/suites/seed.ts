/**
 * @module scripts/bench/suites/seed
 * Bulk seed: `npm run seed` of the whole generated corpus into an empty local
 * D1, several times; posts/s from the wall time of the whole command, peak
 * memory of the seed's process (its parse threads included) and of the whole
 * tree (npm and the with-node launcher too). A `--dry-run` of the same corpus
 * against a folder with no database reads and parses everything but opens no
 * database: it splits parse time from write time.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureCorpus } from "../lib/corpus";
import { CORPUS_SEED, type Ctx, dbStamp, mainCorpus, mainDb, runSeedMeasured, seedCommand } from "../lib/context";
import { ROOT, rel, WORK } from "../lib/env";
import { runMeasured } from "../lib/proc";
import { spread } from "../lib/stats";

/** The seed's own timing line on stderr, when it prints one. */
function seedTiming(stderr: string): { parse: number; database: number } | null {
  const m = /reading and parsing ([\d.]+) s, database ([\d.]+) s/.exec(stderr);
  return m ? { parse: Number(m[1]), database: Number(m[2]) } : null;
}

export async function seedSuite(ctx: Ctx) {
  const n = ctx.sizes.main;
  const corpus = mainCorpus(ctx);
  ensureCorpus(corpus, n, CORPUS_SEED);
  const runs: {
    seconds: number;
    postsPerSecond: number;
    peakTreeMiB: number;
    peakWorkMiB: number;
    peakProcess: string;
    split: ReturnType<typeof seedTiming>;
  }[] = [];
  // Parse only: a dry run against a folder without a database opens none. It goes first: it also
  // reads every file once, so each timed run starts with the corpus in the page cache (as right after
  // the files were written or pulled), not only the later ones.
  const none = join(WORK, "db-none");
  rmSync(none, { recursive: true, force: true });
  const dry = await runMeasured("npm", ["run", "--silent", "seed", "--", "--dry-run", "--persist-to", none, "--json", corpus], {
    cwd: ROOT,
  });
  rmSync(none, { recursive: true, force: true });
  if (dry.status !== 0) throw new Error(`dry run failed: ${dry.stderr.slice(-2000)}`);
  const drySeconds = dry.wallMs / 1000;
  ctx.log(`  dry run (parse only): ${drySeconds.toFixed(1)} s, ${(n / drySeconds).toFixed(0)} posts/s`);
  for (let i = 0; i < ctx.sizes.seedRuns; i++) {
    // The last run leaves the main database behind for the suites after this one.
    const last = i === ctx.sizes.seedRuns - 1;
    const db = last ? mainDb(ctx) : join(WORK, "db-seed-scratch");
    rmSync(db, { recursive: true, force: true });
    mkdirSync(db, { recursive: true });
    const m = await runSeedMeasured(db, [corpus], ROOT);
    if (m.report.inserted + m.report.unchanged !== n) throw new Error(`seed stored ${m.report.inserted} of ${n} posts`);
    const seconds = m.wallMs / 1000;
    runs.push({
      seconds,
      postsPerSecond: n / seconds,
      peakTreeMiB: m.peakTreeMiB,
      peakWorkMiB: m.peakWorkMiB,
      // Node names its main thread "MainThread" in /proc/<pid>/stat.
      peakProcess: `${m.peakProcess.comm === "MainThread" ? "node" : m.peakProcess.comm} ${m.peakProcess.MiB.toFixed(0)} MiB`,
      split: seedTiming(m.stderr),
    });
    ctx.log(
      `  seed run ${i + 1}: ${n} posts in ${seconds.toFixed(1)} s, ${(n / seconds).toFixed(0)} posts/s, peak ${m.peakWorkMiB.toFixed(0)} MiB (seed process), ${m.peakTreeMiB.toFixed(0)} MiB (whole tree)`,
    );
    if (last) writeFileSync(join(db, ".bench-db"), dbStamp(n));
    else rmSync(db, { recursive: true, force: true });
  }
  return {
    posts: n,
    runs,
    postsPerSecond: spread(runs.map((r) => r.postsPerSecond)),
    seconds: spread(runs.map((r) => r.seconds)),
    peakTreeMiB: spread(runs.map((r) => r.peakTreeMiB)),
    peakWorkMiB: spread(runs.map((r) => r.peakWorkMiB)),
    dryRun: { seconds: drySeconds, postsPerSecond: n / drySeconds, peakTreeMiB: dry.peakTreeMiB },
    commands: [
      `npm run gen:corpus -- --count ${n} --seed ${CORPUS_SEED} --out ${rel(corpus)}`,
      `${seedCommand(rel(mainDb(ctx)), [rel(corpus)])}   # into an empty folder, ${ctx.sizes.seedRuns}×`,
      `npm run seed -- --dry-run --persist-to ${rel(none)} --json ${rel(corpus)}   # parse only`,
    ],
  };
}
