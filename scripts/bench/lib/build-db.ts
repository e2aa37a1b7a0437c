/**
 * @module scripts/bench/lib/build-db
 * Builds a large local D1 for the scale test without a million files on
 * disk: the real seed script creates the database (migrations, Miniflare's
 * file) from the first post, then the remaining posts stream from the corpus
 * generator through the same parser (src/content) and the same write path
 * (src/db/sync over the seed's local executor, scripts/lib/local-d1), feed
 * entries included (for posts in the feed window, as the seed). Only
 * reading files and the parse threads are left out; the seed's own throughput
 * is measured separately on the real command.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parsePost } from "../../../src/content/post";
import type { PostRecord } from "../../../src/content/types";
import { readConfig } from "../../../src/config";
import { syncPosts } from "../../../src/db/sync";
import { entriesAtWrite } from "../../../src/ingest/entries";
import { openLocalD1 } from "../../lib/local-d1";
import { smallBodyCorpus } from "./corpus";
import { dbFormat } from "./context";
import { d1File } from "./d1file";
import { ROOT, siteVars } from "./env";
import { runMeasured } from "./proc";

const CTX = {
  timeZone: "Asia/Shanghai",
  siteHost: "finews.withounder.com",
  sha256: (s: string) => createHash("sha256").update(s).digest("hex"),
};
const GROUP = 1000;

export interface Built {
  posts: number;
  rejected: number;
  seconds: number;
  /** true when an earlier build of the same (count, seed) was reused; seconds is then that build's */
  cached: boolean;
}

export async function buildSmallBodyDb(
  persistDir: string,
  count: number,
  seed: string,
  log: (s: string) => void,
): Promise<Built> {
  const stamp = join(persistDir, ".bench-db");
  if (existsSync(stamp)) {
    const prev = JSON.parse(readFileSync(stamp, "utf8")) as Built & { count: number; seed: string; format?: string };
    if (prev.count === count && prev.seed === seed && prev.format === dbFormat()) return { ...prev, cached: true };
  }
  const started = performance.now();
  rmSync(persistDir, { recursive: true, force: true });
  const first = join(persistDir, "..", `${persistDir.split("/").pop()}-first`);
  rmSync(first, { recursive: true, force: true });
  const it = smallBodyCorpus(count, seed);
  const head = it.next();
  if (head.done) throw new Error("empty corpus");
  mkdirSync(dirname(join(first, head.value.path)), { recursive: true });
  writeFileSync(join(first, head.value.path), head.value.text);
  const r = await runMeasured("npm", ["run", "--silent", "seed", "--", "--persist-to", persistDir, "--json", first], {
    cwd: ROOT,
  });
  rmSync(first, { recursive: true, force: true });
  if (r.status !== 0 || !d1File(persistDir)) throw new Error(`seed of the first post failed (${r.status}): ${r.stderr}`);

  const local = openLocalD1(d1File(persistDir) as string);
  let posts = 1;
  let rejected = 0;
  const site = readConfig(siteVars());
  // With their feed entries where the seed's parse threads render them (posts in the feed window).
  const flush = (group: PostRecord[]) => {
    const now = Date.now();
    const entries = entriesAtWrite(site, group, now);
    return syncPosts(
      local.db,
      group.map((p, i) => ({ ...p, feed: entries[i] ?? null })),
      now,
    );
  };
  try {
    let group: PostRecord[] = [];
    const enc = new TextEncoder();
    for (const post of it) {
      const parsed = await parsePost(enc.encode(post.text), post.path.split("/").pop() as string, CTX);
      if (!parsed.ok) {
        rejected++;
        continue;
      }
      group.push(parsed.post);
      if (group.length >= GROUP) {
        await flush(group);
        posts += group.length;
        group = [];
        if (posts % 100_000 < GROUP)
          log(`  built ${posts}/${count} posts (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    if (group.length) await flush(group);
    posts += group.length;
    await local.db.batch([{ sql: "ANALYZE", params: [] }]);
  } finally {
    await local.close();
  }
  const built = { posts, rejected, seconds: (performance.now() - started) / 1000, cached: false };
  writeFileSync(stamp, JSON.stringify({ ...built, count, seed, format: dbFormat() }));
  return built;
}
