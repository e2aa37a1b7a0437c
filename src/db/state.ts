/**
 * @module db/state
 * Small named numbers the Worker keeps between Cron Trigger runs (how far the
 * purger, the WebSub notifier and the entry backfill have got), in the
 * `state` table.
 */
import type { Db } from "./reads";
import { stateWrite } from "./statements";

/** Statements set a number the same way (the write path batches them with its writes). */
export { stateWrite };

export async function readState(db: Db, name: string): Promise<number | null> {
  const row = await db.prepare("SELECT value FROM state WHERE name = ?1").bind(name).first<{ value: number }>();
  return row ? row.value : null;
}

export async function writeState(db: Db, name: string, value: number): Promise<void> {
  const s = stateWrite(name, value);
  await db
    .prepare(s.sql)
    .bind(...s.params)
    .run();
}

/**
 * Claims a turn named `name` at `now` unless one was claimed within `intervalMs` (by any isolate):
 * one statement, so two claimants cannot both win.
 */
export async function claimTurn(db: Db, name: string, now: number, intervalMs: number): Promise<boolean> {
  const row = await db
    .prepare(
      "INSERT INTO state (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value " +
        "WHERE state.value <= ?3 RETURNING value",
    )
    .bind(name, now, now - intervalMs)
    .first<{ value: number }>();
  return row !== null;
}
