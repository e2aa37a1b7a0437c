/**
 * @module scheduled
 * The Cron Trigger (wrangler.toml [triggers], every minute), one job after
 * another, each logged and retried on the next run when it fails; serving
 * never depends on them:
 *  1. posts that fell due by the clock get their cache tags recorded (jobs/due);
 *  2. changed tags are purged from Workers Cache (http/purge);
 *  3. the WebSub hub hears of every feed that changed (jobs/websub), after
 *     the purge, so it fetches fresh copies;
 *  4. a few posts inside the feed window get feed entries for this site and code (jobs/backfill);
 *  5. change-log rows no cache can still depend on are dropped.
 * Locally: `wrangler dev --test-scheduled`, then GET /__scheduled.
 */
import { pruneChanges } from "./db/changes";
import { changeHead } from "./db/repository";
import { readState } from "./db/state";
import { configFor } from "./http/context";
import { PURGED, propagateChanges } from "./http/purge";
import { backfillEntries } from "./jobs/backfill";
import { recordDuePosts } from "./jobs/due";
import { notifyHub } from "./jobs/websub";

type Log = (level: "info" | "warn" | "error", msg: string, extra?: Record<string, unknown>) => void;

const log: Log = (level, msg, extra = {}) =>
  console[level === "error" ? "error" : "log"](JSON.stringify({ level, job: "scheduled", msg, ...extra }));

export async function scheduled(_event: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const db = env.DB; // the primary: these jobs write
  const now = Date.now();
  let config: ReturnType<typeof configFor>;
  try {
    config = configFor(env);
  } catch (err) {
    log("error", "configuration invalid; nothing done", { error: (err as Error).message });
    return;
  }
  const run = async (job: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (err) {
      log("error", "job failed; it runs again next time", {
        jobName: job,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  await run("due", () => recordDuePosts(db, now));
  const cache = ctx.cache;
  if (cache) {
    await run("purge", async () => {
      const { purged, errors } = await propagateChanges(db, cache);
      if (purged.length || errors.length)
        log(errors.length ? "warn" : "info", "purged changed tags", { purged: purged.length, errors });
    });
  }
  const hub = config.websubHub;
  if (hub) {
    await run("websub", async () => {
      // With Workers Cache in front, only what is purged already: the hub must fetch fresh copies.
      const upTo = cache ? ((await readState(db, PURGED)) ?? 0) : await changeHead(db);
      const { pinged, failed } = await notifyHub(db, config, hub, upTo);
      if (pinged.length || failed.length)
        log(failed.length ? "warn" : "info", "notified the WebSub hub", { pinged: pinged.length, failed });
    });
  }
  await run("entries", async () => {
    const n = await backfillEntries(db, config, now);
    if (n) log("info", "rendered stored feed entries", { posts: n });
  });
  await run("prune", async () => {
    const prune = pruneChanges(now);
    await db
      .prepare(prune.sql)
      .bind(...prune.params)
      .run();
  });
}
