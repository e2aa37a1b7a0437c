/**
 * @module jobs/backfill
 * Renders the feed entries of stored posts inside the feed window that have
 * none for this site and code (written before a change of SITE_URL or
 * SITE_AUTHOR, of the code that writes entries, or by older versions):
 * newest first, a few each run, remembering where it stopped; once a pass
 * reached the window's start, each run looks at the newest posts only. Older
 * posts are left to the feeds that show them (routes/feeds stores what it
 * renders). Until then feeds render such entries on request, which is
 * correct but costs CPU each time.
 */
import type { SiteConfig } from "../config";
import { fnv1a } from "../content/text";
import { type Db, entriesPage } from "../db/reads";
import { readState, stateWrite } from "../db/state";
import { storeFeedEntries } from "../db/statements";
import { d1Executor } from "../db/sync";
import { fragmentKey, keyFor, renderFragments, storedWhenWritten } from "../feeds";

/** Posts looked at per run (rendering one costs about 0.1 ms of CPU). */
export const BACKFILL_BATCH = 50;
const RENDERING = "entries_rendering";
const AT = "entries_at";
const ID = "entries_id";
/** Cursor value once a pass reached the oldest post. */
const DONE = -1;

/** A number naming a fragment key's rendering (the state table holds numbers): its 53-bit hash. */
const renderingId = (key: string): number => Number.parseInt(fnv1a(key), 36);

/** One step of the pass; returns how many posts got entries. */
export async function backfillEntries(db: Db, config: SiteConfig, now = Date.now()): Promise<number> {
  const rendering = renderingId(fragmentKey(config));
  let at = await readState(db, AT);
  let id = await readState(db, ID);
  if ((await readState(db, RENDERING)) !== rendering || at === null || id === null) {
    // Another site or code since the last pass: start over from the newest post.
    at = Number.MAX_SAFE_INTEGER;
    id = Number.MAX_SAFE_INTEGER;
  }
  const done = at === DONE;
  const top = Number.MAX_SAFE_INTEGER;
  const rows = await entriesPage(db, done ? { publishedAt: top, id: top } : { publishedAt: at, id }, BACKFILL_BATCH);
  const inWindow = rows.filter((r) => storedWhenWritten(config, r.publishedAt, now));
  const stale = inWindow.filter((r) => r.fragmentKey !== keyFor(config, r));
  const entries = renderFragments(config, stale);
  const last = rows[rows.length - 1];
  const finished = done || rows.length < BACKFILL_BATCH || inWindow.length < rows.length;
  const next = finished || !last ? { at: DONE, id: DONE } : { at: last.publishedAt, id: last.id };
  const stmts = [
    ...stale.map((r, i) => storeFeedEntries(r.id, r.updatedAt, entries[i] as NonNullable<(typeof entries)[number]>)),
    stateWrite(RENDERING, rendering),
    stateWrite(AT, next.at),
    stateWrite(ID, next.id),
  ];
  await d1Executor(db).batch(stmts);
  return stale.length;
}
