/**
 * @module scripts/bench/suites/writepath
 * The seed's two halves apart, on the first 10,000 files of the main corpus:
 * parsing (src/content, one thread) and the write (src/db/sync through the
 * seed's own local executor, scripts/lib/local-d1, in chunks of the seed's
 * size) into a fresh database made from migrations/. The bulk seed overlaps
 * the two and parses on every core.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parsePost } from "../../../src/content/post";
import type { PostRecord } from "../../../src/content/types";
import { ensureMigrations } from "../../../src/db/migrations";
import { syncPosts } from "../../../src/db/sync";
import { readMigrationFiles } from "../../lib/database";
import { openLocalD1 } from "../../lib/local-d1";
import { ensureCorpus } from "../lib/corpus";
import { CORPUS_SEED, type Ctx, mainCorpus } from "../lib/context";
import { ROOT, rel, WORK } from "../lib/env";

const CTX = {
  timeZone: "Asia/Shanghai",
  siteHost: "finews.withounder.com",
  sha256: (s: string) => createHash("sha256").update(s).digest("hex"),
};
/** Files per round of the seed (scripts/seed.ts CHUNK): one hash lookup and one batch each. */
const CHUNK = 500;

export async function writepathSuite(ctx: Ctx) {
  const corpus = mainCorpus(ctx);
  ensureCorpus(corpus, ctx.sizes.main, CORPUS_SEED);
  const want = Math.min(10_000, ctx.sizes.main);
  const files: string[] = [];
  for (const month of readdirSync(corpus).sort()) {
    if (month.startsWith(".")) continue;
    for (const f of readdirSync(join(corpus, month)).sort()) files.push(join(corpus, month, f));
    if (files.length >= want) break;
  }
  files.length = Math.min(files.length, want);
  let t = performance.now();
  const posts: PostRecord[] = [];
  for (const f of files) {
    const r = await parsePost(readFileSync(f), f.split("/").pop() as string, CTX);
    if (r.ok) posts.push(r.post);
  }
  const parseSeconds = (performance.now() - t) / 1000;
  const file = join(WORK, "writepath", "d1.sqlite");
  rmSync(join(WORK, "writepath"), { recursive: true, force: true });
  const local = openLocalD1(file);
  let sqlSeconds = 0;
  try {
    await ensureMigrations(local.db, readMigrationFiles(join(ROOT, "migrations")), "apply");
    t = performance.now();
    for (let i = 0; i < posts.length; i += CHUNK) await syncPosts(local.db, posts.slice(i, i + CHUNK), Date.now());
    sqlSeconds = (performance.now() - t) / 1000;
  } finally {
    await local.close();
    rmSync(join(WORK, "writepath"), { recursive: true, force: true });
  }
  ctx.log(
    `  ${posts.length} posts: parse ${(posts.length / parseSeconds).toFixed(0)} posts/s, SQL ${(posts.length / sqlSeconds).toFixed(0)} posts/s`,
  );
  return {
    posts: posts.length,
    parseSeconds,
    parsePostsPerSecond: posts.length / parseSeconds,
    sqlSeconds,
    sqlPostsPerSecond: posts.length / sqlSeconds,
    commands: [
      `first ${want} files of ${rel(corpus)}: parsePost (src/content) on one thread; then syncPosts (src/db/sync) over scripts/lib/local-d1 in chunks of ${CHUNK}, as the seed writes`,
    ],
  };
}
