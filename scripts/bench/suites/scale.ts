/**
 * @module scripts/bench/suites/scale
 * The serving figures at two database sizes (10,000 and 1,000,000 posts in a
 * full run) with small bodies: what must not grow with the corpus is the cost
 * of finding rows, and full bodies at 1,000,000 posts would need ~10 GB of
 * disk here. Both databases are built the same way (lib/build-db) from the
 * same generator, so only their size differs. They are deleted after the run
 * unless BENCH_KEEP_SCALE_DB is set (then a re-run reuses them).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildSmallBodyDb } from "../lib/build-db";
import type { Ctx } from "../lib/context";
import { d1File, duBytes } from "../lib/d1file";
import { WORK } from "../lib/env";
import { compareServing, measureServing, type ServingResult, servingOptions } from "../lib/serving";

export const SCALE_SEED = "scale";

export async function scaleSuite(ctx: Ctx) {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const s = ctx.sizes;
  const built: { posts: number; buildSeconds: number; fileBytes: number; dir: string }[] = [];
  let results: ((typeof built)[0] & { serving: ServingResult })[] = [];
  try {
    for (const n of [s.scaleSmall, s.scaleLarge]) {
      const dir = join(WORK, `db-small-bodies-${n}`);
      ctx.log(`  building ${n} small-body posts`);
      const b = await buildSmallBodyDb(dir, n, SCALE_SEED, ctx.log);
      if (b.cached) ctx.log(`  reusing ${dir} (built by an earlier run)`);
      const file = d1File(dir) as string;
      const fileBytes = duBytes(file) + duBytes(`${file}-wal`);
      ctx.log(`  built ${b.posts} posts in ${b.seconds.toFixed(0)} s, ${(fileBytes / 2 ** 20).toFixed(0)} MiB`);
      built.push({ posts: b.posts, buildSeconds: b.seconds, fileBytes, dir });
    }
    // Both databases side by side, each measurement alternating between them.
    const serving = await measureServing(
      servingOptions(
        ctx,
        built.map((b) => ({ persistDir: b.dir, posts: b.posts })),
      ),
    );
    results = built.map((b, i) => ({ ...b, serving: serving[i] as ServingResult }));
  } finally {
    // The large database (GBs) is kept only when asked to, for a re-run of this suite.
    if (!process.env.BENCH_KEEP_SCALE_DB) for (const b of built) rmSync(b.dir, { recursive: true, force: true });
  }
  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  return {
    small: { posts: small.posts, buildSeconds: small.buildSeconds, fileBytes: small.fileBytes },
    large: { posts: large.posts, buildSeconds: large.buildSeconds, fileBytes: large.fileBytes },
    servingSmall: small.serving,
    servingLarge: large.serving,
    ...compareServing(small.serving, large.serving),
    commands: [
      `scripts/bench/lib/build-db.ts: first post via npm run seed, the rest parsed by src/content and written by src/db/archive-sync (the seed's write path) into the same SQLite file (generator seed "${SCALE_SEED}", body cut to its first paragraph, ≤240 chars)`,
      "then the same wrangler dev + wrk + in-process runs as the serving benchmark, on each database",
    ],
  };
}
