/**
 * @module jobs/due
 * Posts stored before their time appear by the clock alone: nothing is
 * written when they fall due, so this job records their cache tags then
 * (site, their categories and tags), as a write would have; the purger and
 * the WebSub notifier pick them up from the change log like any change.
 */
import { recordDue } from "../db/changes";
import type { Db } from "../db/reads";
import { readState, stateWrite } from "../db/state";
import { d1Executor } from "../db/sync";

const DUE_UNTIL = "due_until";

/** Records the posts that fell due since the last run (the first run only starts the clock). */
export async function recordDuePosts(db: Db, now: number): Promise<void> {
  const after = await readState(db, DUE_UNTIL);
  const stmts = [...(after !== null && after < now ? recordDue(after, now) : []), stateWrite(DUE_UNTIL, now)];
  await d1Executor(db).batch(stmts);
}
