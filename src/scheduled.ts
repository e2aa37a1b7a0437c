/**
 * @module scheduled
 * The Cron Trigger (wrangler.toml [triggers], every minute): sends the cache
 * tags that writes changed to Workers Cache (src/http/purge.ts), and drops
 * change-log rows no cache can still depend on. Failures are logged and
 * retried on the next run; serving never depends on this job.
 */
import { pruneChanges } from "./db/changes";
import { propagateChanges } from "./http/purge";

export async function scheduled(_event: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const log = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
    console[level === "error" ? "error" : "log"](JSON.stringify({ level, job: "scheduled", msg, ...extra }));
  try {
    if (ctx.cache) {
      const { purged, errors } = await propagateChanges(env.DB, ctx.cache);
      if (purged.length || errors.length)
        log(errors.length ? "warn" : "info", "purged changed tags", { purged: purged.length, errors });
    }
    const prune = pruneChanges(Date.now());
    await env.DB.prepare(prune.sql)
      .bind(...prune.params)
      .run();
  } catch (err) {
    log("error", "scheduled run failed", { error: err instanceof Error ? err.message : String(err) });
  }
}
