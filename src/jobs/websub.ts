/**
 * @module jobs/websub
 * WebSub publishing (W3C WebSub, section 6 leaves the ping to hubs' common
 * practice): for every feed whose items changed since the last notification,
 * `POST hub.mode=publish&hub.url=<feed URL>` to WEBSUB_HUB, canonical
 * spellings only (each list's three feeds, and jekyll-feed's path for
 * categories and tags). The changed feeds come from the change log, so posts
 * the seed wrote from outside the Worker count too. A hub that fails is
 * logged and asked again on the next run; serving never waits for it.
 */
import type { SiteConfig } from "../config";
import { SITE_TAG } from "../db/changes";
import { changesAfter, type Db, type TermKind, termsByKey } from "../db/reads";
import { readState, writeState } from "../db/state";
import { type FeedFormat, feedHref, jekyllCategoryFeedHref, jekyllTagFeedHref } from "../urls";

/** Pings per run: Workers allow 50 subrequests an invocation on the free plan. */
export const PINGS_PER_RUN = 40;
const NOTIFIED = "websub_seq";
/** Changes read per run. */
const QUEUE = 500;
const FORMATS: FeedFormat[] = ["atom", "rss", "json"];

export interface Notified {
  pinged: string[];
  failed: { url: string; error: string }[];
}

/** The canonical feed paths of each changed tag (`site`, `c:`/`r:`/`t:<key>`); other tags name no feed. */
async function feedPaths(db: Db, tags: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const keys: [TermKind, string][] = [];
  for (const tag of tags) {
    if (tag === SITE_TAG)
      out.set(
        tag,
        FORMATS.map((f) => feedHref(null, "", f)),
      );
    const m = /^([crt]):(.+)$/s.exec(tag);
    if (m) keys.push([m[1] as TermKind, m[2] as string]);
  }
  for (const t of await termsByKey(db, keys)) {
    const jekyll = t.kind === "t" ? jekyllTagFeedHref(t.name) : jekyllCategoryFeedHref(t.name);
    out.set(`${t.kind}:${t.key}`, [...FORMATS.map((f) => feedHref(t.kind, t.name, f)), jekyll]);
  }
  return out;
}

/**
 * Notifies `hub` of the feeds changed after the last notification, up to change `upTo` (the
 * purger's position when Workers Cache must be purged first, so the hub fetches fresh copies).
 * The first run starts at the newest change without notifying (the hub has nothing older to hear).
 */
export async function notifyHub(
  db: Db,
  config: SiteConfig,
  hub: string,
  upTo: number,
  fetcher: typeof fetch = fetch,
): Promise<Notified> {
  const out: Notified = { pinged: [], failed: [] };
  const from = await readState(db, NOTIFIED);
  if (from === null) {
    await writeState(db, NOTIFIED, upTo);
    return out;
  }
  const fetched = await changesAfter(db, from, QUEUE);
  const rows = fetched.filter((r) => r.seq <= upTo);
  const paths = await feedPaths(
    db,
    rows.map((r) => r.tag),
  );
  let done = from;
  for (const row of rows) {
    const urls = (paths.get(row.tag) ?? []).map((p) => `${config.siteUrl}${p}`);
    if (out.pinged.length + urls.length > PINGS_PER_RUN) break;
    let ok = true;
    for (const url of urls) {
      try {
        const res = await fetcher(hub, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }).toString(),
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`hub answered ${res.status}`);
        out.pinged.push(url);
      } catch (err) {
        ok = false;
        out.failed.push({ url, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (!ok) break;
    done = row.seq;
  }
  // Every change up to `upTo` seen and notified: later numbers up to it were tags of no feed.
  const all = fetched.length < QUEUE && done === (rows.length ? (rows[rows.length - 1] as { seq: number }).seq : from);
  if (all) done = Math.max(done, upTo);
  if (done !== from) await writeState(db, NOTIFIED, done);
  return out;
}
