/**
 * @module scheduled
 * The Cron Trigger (wrangler.toml [triggers], every minute), one job after
 * another, each logged and retried on the next run when it fails; serving
 * never depends on them:
 *  1. posts that fell due by the clock get their cache tags recorded (jobs/due);
 *  2. changed tags are purged from Workers Cache, then the WebSub hub hears of
 *     every feed that changed (jobs/propagate);
 *  3. a few posts inside the feed window get feed entries for this site and code (jobs/backfill);
 *  4. change-log rows no cache can still depend on are dropped.
 * Every database of the archive in turn (its own change log and positions);
 * the backfill only where the feed window reaches.
 * Locally: `wrangler dev --test-scheduled`, then GET /__scheduled.
 */
import { mirrored } from "./db/archive-sync";
import { pruneChanges, pruneCopies } from "./db/changes";
import { d1Executor } from "./db/sync";
import { archiveBindings, configFor, writeTarget } from "./http/context";
import { backfillEntries } from "./jobs/backfill";
import { recordDuePosts } from "./jobs/due";
import { type Log, propagate, runJob } from "./jobs/propagate";

const log: Log = (level, msg, extra = {}) =>
  console[level === "error" ? "error" : "log"](JSON.stringify({ level, job: "scheduled", msg, ...extra }));

export async function scheduled(_event: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const now = Date.now();
  let config: ReturnType<typeof configFor>;
  let shards: ReturnType<typeof archiveBindings>;
  let target: ReturnType<typeof writeTarget>;
  try {
    config = configFor(env);
    shards = archiveBindings(env);
    target = writeTarget(env);
  } catch (err) {
    log("error", "configuration invalid; nothing done", { error: (err as Error).message });
    return;
  }
  // Each database keeps its own change log and job positions; old ones are quiet, so cost little.
  const windowStart = now - config.feedWindowHours * 3_600_000;
  for (const { db, name, to } of shards) {
    const writable = target.shards.find((s) => s.name === name);
    const dbLog: Log = shards.length > 1 ? (level, msg, extra = {}) => log(level, msg, { database: name, ...extra }) : log;
    // Copied into DB's log too, as every write to another database is (db/archive-sync).
    await runJob(dbLog, "due", () =>
      writable ? mirrored(target, writable, () => recordDuePosts(db, now)) : recordDuePosts(db, now),
    );
    await propagate(db, config, ctx.cache, dbLog);
    if (to > windowStart) {
      await runJob(dbLog, "entries", async () => {
        const n = await backfillEntries(db, config, now);
        if (n) dbLog("info", "rendered stored feed entries", { posts: n });
      });
    }
    await runJob(dbLog, "prune", () => d1Executor(db).batch([pruneChanges(now), pruneCopies(now)]));
  }
}
