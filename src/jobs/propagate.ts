/**
 * @module jobs/propagate
 * After writes: changed cache tags to Workers Cache (when the Worker runs
 * behind it), then the WebSub hub hears of every feed that changed, after
 * the purge so it fetches fresh copies. The Cron Trigger runs this every
 * minute; an ingest API write runs it at once, in the background, at most
 * once per AFTER_WRITE_INTERVAL_MS across all isolates (Workers Cache allows
 * about 5 purge calls a minute), so a post's lists and feeds are fresh in
 * seconds and the Cron Trigger catches whatever that left.
 */
import type { SiteConfig } from "../config";
import { changeHead, type Db } from "../db/reads";
import { claimTurn, readState } from "../db/state";
import { PURGED, propagateChanges } from "../http/purge";
import { notifyHub } from "./websub";

export type Log = (level: "info" | "warn" | "error", msg: string, extra?: Record<string, unknown>) => void;

/** Runs `f`, logging a failure instead of throwing: the next run retries. */
export async function runJob(log: Log, job: string, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (err) {
    log("error", "job failed; it runs again next time", {
      jobName: job,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

export interface PropagateOptions {
  /** Workers Cache purge calls allowed (each up to 100 tags). */
  purgeCalls?: number;
}

export async function propagate(
  db: Db,
  config: SiteConfig,
  cache: CacheContext | undefined,
  log: Log,
  opts: PropagateOptions = {},
): Promise<void> {
  if (cache) {
    await runJob(log, "purge", async () => {
      const { purged, errors } = await propagateChanges(db, cache, opts.purgeCalls);
      if (purged.length || errors.length)
        log(errors.length ? "warn" : "info", "purged changed tags", { purged: purged.length, errors });
    });
  }
  const hub = config.websubHub;
  if (!hub) return;
  await runJob(log, "websub", async () => {
    // With Workers Cache in front, only what is purged already: the hub must fetch fresh copies.
    const upTo = cache ? ((await readState(db, PURGED)) ?? 0) : await changeHead(db);
    const { pinged, failed } = await notifyHub(db, config, hub, upTo);
    if (pinged.length || failed.length)
      log(failed.length ? "warn" : "info", "notified the WebSub hub", { pinged: pinged.length, failed });
  });
}

/** The shortest time between two after-write propagations, ms. */
export const AFTER_WRITE_INTERVAL_MS = 15_000;

/** After an API write: propagate now unless another request did within the interval (the Cron Trigger follows anyway). */
export async function propagateAfterWrite(
  dbs: Db[],
  config: SiteConfig,
  cache: CacheContext | undefined,
  log: Log,
  now: number,
): Promise<void> {
  const [primary] = dbs;
  if ((!cache && !config.websubHub) || !primary) return;
  // The turn is the primary database's: one claim whichever database the write went to.
  if (!(await claimTurn(primary, "after_write_at", now, AFTER_WRITE_INTERVAL_MS))) return;
  for (const db of dbs) await propagate(db, config, cache, log, { purgeCalls: 1 });
}
