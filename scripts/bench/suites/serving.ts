/**
 * @module scripts/bench/suites/serving
 * Serving figures over the main database (see lib/serving for the method).
 */
import { type Ctx, ensureMainDb } from "../lib/context";
import { ROOT } from "../lib/env";
import { measureServing, servingOptions } from "../lib/serving";

export async function servingSuite(ctx: Ctx) {
  const db = await ensureMainDb(ctx, ROOT);
  const [result] = await measureServing(servingOptions(ctx, [{ persistDir: db, posts: ctx.sizes.main }]));
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
