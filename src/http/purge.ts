/**
 * @module http/purge
 * The one invalidation step: cache tags whose content changed are purged
 * from Workers Cache. The tags come from the change log every write fills
 * (src/db/changes.ts), so posts written from outside the Worker (the seed)
 * are purged as well as the Worker's own writes; `propagateChanges` resumes
 * after the last change it purged. (The emulated edge needs no purge: it
 * reads the change log itself before serving a copy.)
 *
 * Workers Cache allows few purge calls (the free tier's limits apply on
 * every plan: about 5 a minute, bursts of 25, 100 tags a call), so tags are
 * sent in batches of 100, at most PURGE_CALLS per run; a refused call leaves
 * its changes for the next run. Until then the edge's own freshness bounds
 * staleness (src/http/policies.ts).
 */
import { changesAfter, type Db } from "../db/reads";
import { readState, writeState } from "../db/state";
import { wireTag } from "./tags";

/** Workers Cache: at most 100 tags per purge call. */
export const PURGE_BATCH = 100;
/** Purge calls per run: one run a minute stays within about 5 calls a minute. */
export const PURGE_CALLS = 4;

export interface PurgeOutcome {
  /** Tags purged, canonical form. */
  purged: string[];
  /** Errors Workers Cache reported (rate limiting, …); their tags stay queued. */
  errors: string[];
}

/** Purges `tags` (canonical form) from Workers Cache; returns what it reported. */
export async function purgeTags(cache: CacheContext, tags: string[]): Promise<{ ok: boolean; errors: string[] }> {
  const wire = [...new Set(tags.map(wireTag))];
  if (!wire.length) return { ok: true, errors: [] };
  const res = await cache.purge({ tags: wire });
  return { ok: res.success, errors: res.errors.map((e) => `${e.code}: ${e.message}`) };
}

/** The last change-log sequence number sent to Workers Cache. */
export const PURGED = "purged_seq";

/**
 * Sends the tags changed since the last run to Workers Cache, oldest first, and moves the
 * watermark past each batch it purged. `db` must be the primary (it writes the watermark).
 */
export async function propagateChanges(db: Db, cache: CacheContext, calls = PURGE_CALLS): Promise<PurgeOutcome> {
  const out: PurgeOutcome = { purged: [], errors: [] };
  let seq = (await readState(db, PURGED)) ?? 0;
  for (let call = 0; call < calls; call++) {
    const batch = await changesAfter(db, seq, PURGE_BATCH);
    if (!batch.length) break;
    const tags = batch.map((c) => c.tag);
    const { ok, errors } = await purgeTags(cache, tags);
    if (!ok) {
      out.errors.push(...errors);
      break;
    }
    seq = (batch[batch.length - 1] as { seq: number }).seq;
    await writeState(db, PURGED, seq);
    out.purged.push(...tags);
    if (batch.length < PURGE_BATCH) break;
  }
  return out;
}
