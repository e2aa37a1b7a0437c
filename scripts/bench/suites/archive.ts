/**
 * @module scripts/bench/suites/archive
 * The archive over several databases against one database: N yearly
 * databases of M posts each (a full run: 10 × 100,000) and one database
 * holding exactly the newest of them (the same M posts), built from one
 * generated corpus (small bodies, as the scale suite) through the seed's write
 * path. Both are served side by side with the serving method; the article and
 * share link of the archive are picked from an old year's database, so the
 * point lookup must find its database by date. Then one new post is published
 * into each with the real seed command.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { archiveLayout } from "../lib/archive-layout";
import { buildSmallBodyDb } from "../lib/build-db";
import { type Ctx, runSeedMeasured, seedCommand } from "../lib/context";
import { duBytes } from "../lib/d1file";
import { ROOT, rel, WORK } from "../lib/env";
import { compareServing, measureServing, type ServingResult, servingOptions } from "../lib/serving";
import { spread } from "../lib/stats";
import { newPost } from "./publish";

export const ARCHIVE_SEED = "archive";

export async function archiveSuite(ctx: Ctx) {
  const n = ctx.sizes.archiveDatabases;
  const per = ctx.sizes.archivePerDatabase;
  const work = join(WORK, `archive-${n}x${per}`);
  const layout = archiveLayout(n, work);
  const total = n * per;
  const many = join(work, "archive");
  const one = join(work, "single");
  let servingOne: ServingResult | undefined;
  let servingMany: ServingResult | undefined;
  const publish = { one: [] as number[], many: [] as number[] };
  let built: Awaited<ReturnType<typeof buildSmallBodyDb>>[] = [];
  const files = layout.files(many);
  let perDatabase: { binding: string; from: string | null; posts: number; fileBytes: number }[] = [];
  try {
    ctx.log(`  building ${n} databases of ~${per} posts (${layout.archive})`);
    const a = await buildSmallBodyDb(many, total, ARCHIVE_SEED, ctx.log, { config: layout.config, dates: layout.dates });
    ctx.log(`  building 1 database of the newest ~${per} (from ${layout.newestFrom})`);
    const b = await buildSmallBodyDb(one, total, ARCHIVE_SEED, ctx.log, {
      dates: layout.dates,
      keep: (path) => (/(\d{4}-\d{2}-\d{2})-[^/]*$/.exec(path)?.[1] ?? "") >= layout.newestFrom,
      keepLabel: `from ${layout.newestFrom}`,
    });
    built = [a, b];
    for (const x of built) ctx.log(`  ${x.cached ? "reused" : "built"}: ${x.posts} posts in ${x.seconds.toFixed(0)} s`);
    perDatabase = layout.databases.map((d) => {
      const file = files[d.binding] as string;
      const db = new DatabaseSync(file, { readOnly: true });
      const posts = (db.prepare("SELECT count(*) AS n FROM posts").get() as { n: number }).n;
      db.close();
      return { ...d, posts, fileBytes: duBytes(file) + duBytes(`${file}-wal`) };
    });
    // An old year, not the newest nor the first: its posts are found by their date alone.
    const middle = layout.databases[Math.floor(n / 2) - 1]?.binding ?? "DB";
    [servingOne, servingMany] = (await measureServing(
      servingOptions(ctx, [
        { persistDir: one, posts: b.posts },
        {
          persistDir: many,
          posts: a.posts,
          archive: { files, articleFrom: middle, vars: { ARCHIVE: layout.archive }, devArgs: ["--config", layout.config] },
        },
      ]),
    )) as [ServingResult, ServingResult];

    // Interleaved, so a burst of load on the machine hits both alike.
    for (let i = 0; i < ctx.sizes.publishRuns; i++) {
      for (const [name, dir, options] of [
        ["one", one, []],
        ["many", many, ["--config", layout.config]],
      ] as const) {
        const file = newPost(join(WORK, "archive-new"), `archive-${name}-${Date.now()}-${i}`);
        const m = await runSeedMeasured(dir, [file], ROOT, [...options]);
        if (m.report.inserted !== 1) throw new Error(`publish into ${name}: ${JSON.stringify(m.report)}`);
        publish[name].push(m.wallMs / 1000);
        ctx.log(`  publish ${i + 1} into ${name === "one" ? "1 database" : `${n} databases`}: ${(m.wallMs / 1000).toFixed(2)} s`);
      }
    }
    rmSync(join(WORK, "archive-new"), { recursive: true, force: true });
  } finally {
    // GBs at full size: kept only when asked to, for a re-run of this suite.
    if (!process.env.BENCH_KEEP_SCALE_DB) rmSync(work, { recursive: true, force: true });
  }
  return {
    databases: n,
    perDatabase: per,
    archive: layout.archive,
    layout: perDatabase,
    many: { posts: built[0]?.posts ?? 0, buildSeconds: built[0]?.seconds ?? 0 },
    one: { posts: built[1]?.posts ?? 0, buildSeconds: built[1]?.seconds ?? 0 },
    servingOne,
    servingMany,
    ...compareServing(servingOne as ServingResult, servingMany as ServingResult),
    publishOne: spread(publish.one),
    publishMany: spread(publish.many),
    commands: [
      `${rel(layout.config)}: ${n} databases, ARCHIVE="${layout.archive}" (scripts/bench/lib/archive-layout.ts)`,
      `scripts/bench/lib/build-db.ts: ${total} generated posts (seed "${ARCHIVE_SEED}", ${n} years to ${layout.endDay}, bodies cut to their first paragraph) into those databases through npm run seed --config and src/db/archive-sync; the single database gets the posts from ${layout.newestFrom} only, the same as the archive's DB`,
      "then the serving benchmark's wrangler dev (--config for the archive) + wrk + in-process runs on both, alternating",
      `${seedCommand(rel(many), ["NEW.md"], ["--config", rel(layout.config)])}   # one new generated post, ${ctx.sizes.publishRuns}× per setup, interleaved`,
      `${seedCommand(rel(one), ["NEW.md"])}`,
    ],
  };
}
