/**
 * @module scripts/bench/suites/ingest
 * Publishing at the scraper's pace:
 *  - incremental re-runs of the real seed over corpora whose every file is
 *    unchanged (the manifest's case): the main 100,000-file corpus, and a
 *    1,000,000-file corpus of small bodies (full runs only), next to a
 *    `--full` re-run that reads everything;
 *  - the ingest API in process (the bundle's fetch over node:sqlite, as the
 *    serving suite measures): Worker CPU of one `PUT` and of a 50-file
 *    `POST`;
 *  - the same through wrangler dev: `PUT` latency, batch throughput in
 *    posts/s, and the time from a `PUT` to the post in its category feed.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateCorpus, type GeneratedPost } from "../../lib/corpus-gen";
import { smallBodyCorpus } from "../lib/corpus";
import { type Ctx, dbFormat, ensureMainDb, mainCorpus, runSeedMeasured, seedCommand } from "../lib/context";
import { countPosts } from "../lib/d1file";
import { startDevServer } from "../lib/devserver";
import { ROOT, rel, siteVars, WORK } from "../lib/env";
import { openInProc } from "../lib/inproc";
import { runMeasured } from "../lib/proc";
import { spread } from "../lib/stats";

const TOKEN = "bench-ingest-token";
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const BASE = "https://finews.withounder.com";

/** The timing line `--json` runs print: how long the main thread waited for reading and parsing. */
const parseSeconds = (stderr: string) => Number(/waiting for reading and parsing ([\d.]+) s/.exec(stderr)?.[1] ?? Number.NaN);

/** The seed's re-run over `corpus` into `db` (already seeded), `runs` times: wall seconds and what it reported. */
async function reRuns(corpus: string, db: string, runs: number, extra: string[] = []) {
  const out: { seconds: number; parseSeconds: number; unchanged: number; scanned: number; peakMiB: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runMeasured("npm", ["run", "--silent", "seed", "--", "--persist-to", db, "--json", ...extra, corpus], {
      cwd: ROOT,
    });
    const report = JSON.parse(r.stdout) as { scanned: number; unchanged: number };
    out.push({
      seconds: r.wallMs / 1000,
      parseSeconds: parseSeconds(r.stderr),
      unchanged: report.unchanged,
      scanned: report.scanned,
      peakMiB: r.peakTreeMiB,
    });
  }
  return out;
}

/** A corpus of `count` small-body files on disk (the 1,000,000-file case), written once. */
function ensureSmallCorpus(dir: string, count: number, seed: string, log: (s: string) => void): void {
  const stamp = join(dir, ".bench-corpus");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === `${count} ${seed} small`) return;
  log(`  writing ${count} small-body files to ${rel(dir)} (not timed)`);
  rmSync(dir, { recursive: true, force: true });
  for (const post of smallBodyCorpus(count, seed)) {
    const file = join(dir, post.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, post.text);
  }
  writeFileSync(stamp, `${count} ${seed} small`);
}

/** Posts no database has seen: generated, dated within the last hour, with codes unique to this run. */
export function freshPosts(count: number, tag: string): { name: string; text: string; title: string; category: string }[] {
  const run = Date.now() % 1_000_000_000;
  const posts: GeneratedPost[] = [
    ...generateCorpus({ count, seed: `ingest-${tag}`, endsAt: Date.now() - 60_000, spanMs: 3_600_000 }),
  ];
  return posts.map((p, i) => {
    const m = /(\d{4}-\d{2}-\d{2})-(\D*)(\d{8})(\d{10})\.md$/.exec(p.path);
    if (!m) throw new Error(`unexpected generated file name ${p.path}`);
    const code = `${m[3]}${String(8_000_000_000 + ((run * 1000 + i) % 1_000_000_000)).padStart(10, "0")}`;
    const text = p.text.replaceAll(`${m[3]}${m[4]}`, code);
    return {
      name: `${m[1]}-${m[2]}${code}.md`,
      text,
      title: /^title: "?(.*?)"?$/m.exec(text)?.[1] ?? "",
      category: /^categories: (\S+)/m.exec(text)?.[1] ?? "",
    };
  });
}

const form = (files: { name: string; text: string }[]) => {
  const f = new FormData();
  for (const x of files) f.append("file", new Blob([x.text]), x.name);
  return f;
};

export async function ingestSuite(ctx: Ctx) {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const { sizes, log } = ctx;

  // Incremental re-runs: the main corpus (seeded by ensureMainDb, which recorded the manifest).
  const db = await ensureMainDb(ctx, ROOT);
  const corpus = mainCorpus(ctx);
  // A first re-run records the manifest if the database predates it; not timed.
  await reRuns(corpus, db, 1);
  const incremental = await reRuns(corpus, db, sizes.runs);
  const full = await reRuns(corpus, db, 1, ["--full"]);
  log(
    `  re-run over ${sizes.main} unchanged files: ${incremental.map((r) => r.seconds.toFixed(2)).join(", ")} s; --full ${full[0]?.seconds.toFixed(1)} s`,
  );

  let large: { count: number; seedSeconds: number; runs: typeof incremental } | null = null;
  if (!ctx.quick) {
    const count = sizes.scaleLarge;
    const bigCorpus = join(WORK, `corpus-small-${count}`);
    const bigDb = join(WORK, `db-incremental-${count}`);
    ensureSmallCorpus(bigCorpus, count, "bench-incremental", log);
    const stamp = join(bigDb, ".bench-db");
    let seedSeconds = Number.NaN;
    if (!(existsSync(stamp) && readFileSync(stamp, "utf8") === `${count}|${dbFormat()}` && countPosts(bigDb) >= count)) {
      log(`  seeding ${count} files into ${rel(bigDb)}`);
      rmSync(bigDb, { recursive: true, force: true });
      mkdirSync(bigDb, { recursive: true });
      seedSeconds = (await runSeedMeasured(bigDb, [bigCorpus], ROOT)).wallMs / 1000;
      writeFileSync(stamp, `${count}|${dbFormat()}`);
    }
    large = { count, seedSeconds, runs: await reRuns(bigCorpus, bigDb, sizes.runs) };
    log(`  re-run over ${count} unchanged files: ${large.runs.map((r) => r.seconds.toFixed(1)).join(", ")} s`);
  }

  // The API, in process, over a copy of the small database.
  const small = join(WORK, `db-${sizes.publishSmall}`);
  if (countPosts(small) < sizes.publishSmall) throw new Error(`${rel(small)} is missing: run the publish suite first`);
  const apiDb = join(WORK, "db-ingest");
  rmSync(apiDb, { recursive: true, force: true });
  cpSync(small, apiDb, { recursive: true });
  const vars = { ...siteVars(), INGEST_TOKEN: TOKEN };
  const ip = await openInProc(ctx.bundleFile, apiDb, vars);
  const putPosts = freshPosts(sizes.runs * 100 + 40, "put");
  const put = await ip.measureCalls(
    "PUT one post",
    (i) => {
      const p = putPosts[i + 20] as (typeof putPosts)[number];
      return new Request(`${BASE}/api/posts/${encodeURIComponent(p.name)}`, {
        method: "PUT",
        headers: { ...AUTH, "Content-Type": "text/markdown" },
        body: p.text,
      });
    },
    sizes.runs * 100,
    [201],
  );
  const batchPosts = freshPosts(50 * 12, "batch");
  const batch = await ip.measureCalls(
    "POST 50 posts",
    (i) =>
      new Request(`${BASE}/api/posts`, {
        method: "POST",
        headers: AUTH,
        body: form(batchPosts.slice((i + 2) * 50, (i + 3) * 50)),
      }),
    10,
    [200],
    2,
  );
  ip.close();
  log(
    `  in process: PUT ${put.cpuMs.toFixed(2)} ms CPU (SQLite ${put.sqlMs.toFixed(2)}), POST of 50 ${batch.cpuMs.toFixed(1)} ms CPU`,
  );

  // Through wrangler dev.
  rmSync(apiDb, { recursive: true, force: true });
  cpSync(small, apiDb, { recursive: true });
  const server = await startDevServer(apiDb, 90_000, { INGEST_TOKEN: TOKEN });
  try {
    const latencies: number[] = [];
    for (const p of freshPosts(30, "dev-put")) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/posts/${encodeURIComponent(p.name)}`, {
        method: "PUT",
        headers: { ...AUTH, "Content-Type": "text/markdown" },
        body: p.text,
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`PUT answered ${res.status}`);
      latencies.push(performance.now() - t0);
    }
    const devBatch = freshPosts(50 * 10, "dev-batch");
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${server.url}/api/posts`, {
        method: "POST",
        headers: AUTH,
        body: form(devBatch.slice(i * 50, (i + 1) * 50)),
      });
      const report = (await res.json()) as { inserted: number };
      if (report.inserted !== 50) throw new Error(`batch inserted ${report.inserted} of 50`);
    }
    const batchSeconds = (performance.now() - t0) / 1000;
    // PUT → the post in its category's Atom feed, polled every 20 ms (the emulated edge checks the change log).
    const toFeed: number[] = [];
    for (const p of freshPosts(10, "dev-feed")) {
      const feed = `${server.url}/category/${encodeURIComponent(p.category)}/atom.xml`;
      await (await fetch(feed)).text(); // the feed is at the edge before the write
      const t1 = performance.now();
      await (
        await fetch(`${server.url}/api/posts/${encodeURIComponent(p.name)}`, {
          method: "PUT",
          headers: { ...AUTH, "Content-Type": "text/markdown" },
          body: p.text,
        })
      ).arrayBuffer();
      for (;;) {
        if ((await (await fetch(feed)).text()).includes(p.name.replace(/\.md$/, "").replace(/^\d{4}-\d{2}-\d{2}-/, ""))) break;
        if (performance.now() - t1 > 120_000) throw new Error("the post never reached its feed");
        await new Promise((r) => setTimeout(r, 20));
      }
      toFeed.push(performance.now() - t1);
    }
    log(
      `  wrangler dev: PUT ${spread(latencies).median.toFixed(0)} ms, ${(500 / batchSeconds).toFixed(0)} posts/s in batches of 50, PUT→feed ${spread(toFeed).median.toFixed(0)} ms`,
    );
    return {
      incremental: {
        posts: sizes.main,
        runs: incremental,
        seconds: spread(incremental.map((r) => r.seconds)),
        fullSeconds: full[0]?.seconds ?? null,
        large,
      },
      inProcess: { put, batch50: batch, cpuMsPerBatchedPost: batch.cpuMs / 50 },
      wranglerDev: {
        putMs: spread(latencies),
        batchPostsPerSecond: 500 / batchSeconds,
        putToFeedMs: spread(toFeed),
      },
      commands: [
        `${seedCommand(rel(db), [rel(corpus)])}   # again, every file unchanged (${sizes.runs}×); then with --full`,
        "PUT /api/posts/{file} and POST /api/posts (50 files) through the bundle's fetch, and through wrangler dev",
      ],
    };
  } finally {
    await server.stop();
  }
}
