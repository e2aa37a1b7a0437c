/**
 * @module scripts/bench/suites/serving
 * Serving figures over the main database (see lib/serving for the method).
 */
import { type Ctx, ensureMainDb } from "../lib/context";
import { ROOT } from "../lib/env";
import { measureServing } from "../lib/serving";

export async function servingSuite(ctx: Ctx) {
  const db = await ensureMainDb(ctx, ROOT);
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const s = ctx.sizes;
  const [result] = await measureServing({
    dbs: [{ persistDir: db, posts: s.main }],
    bundleFile: ctx.bundleFile,
    runs: s.runs,
    wrkSeconds: s.wrkSeconds,
    connections: s.wrkConnections,
    inprocRequests: s.inprocRequests,
    log: ctx.log,
  });
  if (!result) throw new Error("no serving result");
  return {
    ...result,
    commands: [
      "npx wrangler dev --persist-to <db> --port PORT   # the database of the bulk-seed benchmark",
      "wrk -t1 -c8 -d5s --latency -s scripts/bench/lua/count.lua URL    # edge hit (URL fetched once first)",
      "wrk -t1 -c8 -d5s --latency -s scripts/bench/lua/unique.lua URL   # render path (fresh ?_b= per request)",
      "CPU: sum of utime+stime (/proc/<pid>/stat) of the workerd processes under that wrangler dev, before and after, ÷ requests",
    ],
  };
}
