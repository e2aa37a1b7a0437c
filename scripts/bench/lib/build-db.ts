/**
 * @module scripts/bench/lib/build-db
 * Builds a large local D1 (or an archive of several) for the scale, archive
 * and search tests without a million files on disk: the real seed script creates
 * the databases (migrations, Miniflare's files) from the first post, then the
 * remaining posts stream from the corpus generator through the same parser
 * (src/content) and the same write path (src/db/archive-sync over the seed's
 * local executors, scripts/lib/local-d1), feed entries included (for posts in
 * the feed window, as the seed). Only reading files and the parse threads are
 * left out; the seed's own throughput is measured separately on the real
 * command.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parsePost } from "../../../src/content/post";
import type { PostRecord } from "../../../src/content/types";
import { pruneArchive, syncArchive } from "../../../src/db/archive-sync";
import { entriesAtWrite } from "../../../src/ingest/entries";
import { type CorpusOptions, generateCorpus } from "../../lib/corpus-gen";
import { loadProjectConfig, openWriteTarget } from "../../lib/database";
import { smallBodyCorpus } from "./corpus";
import { dbFormat } from "./context";
import { d1File } from "./d1file";
import { ROOT } from "./env";
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

export interface BuildOptions {
  /** The wrangler config whose databases are written (a generated archive); default the project's, DB alone. */
  config?: string;
  /** The generator's dates (default: its own two years). */
  dates?: Pick<CorpusOptions, "endsAt" | "spanMs">;
  /** Writes only the generated posts whose path passes (a slice of the same corpus)… */
  keep?: (path: string) => boolean;
  /** …named so, for the stamp that lets a re-run reuse the build. */
  keepLabel?: string;
  /** The generator's whole bodies (the search benchmark), not their first paragraph. */
  fullBodies?: boolean;
}

/** `count` generated posts (those `o.keep` passes) into the local databases of `o.config` under `persistDir`. */
export async function buildSmallBodyDb(
  persistDir: string,
  count: number,
  seed: string,
  log: (s: string) => void,
  o: BuildOptions = {},
): Promise<Built> {
  const config = o.config ?? join(ROOT, "wrangler.toml");
  const key = JSON.stringify({
    count,
    seed,
    format: dbFormat(),
    config: createHash("sha256").update(readFileSync(config)).digest("hex"),
    dates: o.dates ?? null,
    keep: o.keepLabel ?? null,
    fullBodies: o.fullBodies ?? false,
  });
  const stamp = join(persistDir, ".bench-db");
  if (existsSync(stamp)) {
    const prev = JSON.parse(readFileSync(stamp, "utf8")) as Built & { key?: string };
    if (prev.key === key) return { ...prev, cached: true };
  }
  const started = performance.now();
  rmSync(persistDir, { recursive: true, force: true });
  const first = join(persistDir, "..", `${persistDir.split("/").pop()}-first`);
  rmSync(first, { recursive: true, force: true });
  const keep = o.keep ?? (() => true);
  const it = (function* () {
    const corpus = o.fullBodies ? generateCorpus({ count, seed, ...o.dates }) : smallBodyCorpus(count, seed, o.dates);
    for (const p of corpus) if (keep(p.path)) yield p;
  })();
  const head = it.next();
  if (head.done) throw new Error("empty corpus");
  mkdirSync(dirname(join(first, head.value.path)), { recursive: true });
  writeFileSync(join(first, head.value.path), head.value.text);
  const configArgs = o.config ? ["--config", o.config] : [];
  const r = await runMeasured(
    "npm",
    ["run", "--silent", "seed", "--", "--persist-to", persistDir, ...configArgs, "--json", first],
    {
      cwd: ROOT,
    },
  );
  rmSync(first, { recursive: true, force: true });
  if (r.status !== 0 || !d1File(persistDir)) throw new Error(`seed of the first post failed (${r.status}): ${r.stderr}`);

  const project = await loadProjectConfig(config);
  const opened = await openWriteTarget(project, "local", persistDir);
  let posts = 1;
  let rejected = 0;
  const site = project.site;
  // With their feed entries where the seed's parse threads render them (posts in the feed window).
  const flush = (group: PostRecord[]) => {
    const now = Date.now();
    const entries = entriesAtWrite(site, group, now);
    return syncArchive(
      opened.target,
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
    // As the seed ends every run: its prune (which also records that the terms were looked at).
    await pruneArchive(opened.target, Date.now());
    for (const s of opened.target.shards) await s.db.batch([{ sql: "ANALYZE", params: [] }]);
  } finally {
    await opened.close();
  }
  const built = { posts, rejected, seconds: (performance.now() - started) / 1000, cached: false };
  writeFileSync(stamp, JSON.stringify({ ...built, key }));
  return built;
}
