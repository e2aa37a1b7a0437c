/**
 * @module scripts/bench/suites/writepath
 * The seed's two halves apart, on the first 10,000 files of the main corpus:
 * parsing (src/content, in this process) and the SQL of the write
 * (src/db/statements, the same statements and batch sizes the seed sends)
 * executed by node:sqlite on a fresh database made from migrations/. What the
 * bulk seed achieves beyond the slower of the two is lost in transport:
 * JSON over Miniflare's dispatchFetch into the D1 Durable Object in workerd.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parsePost } from "../../../src/content/post";
import type { PostRecord } from "../../../src/content/types";
import { writePosts } from "../../../src/db/statements";
import { ensureCorpus } from "../lib/corpus";
import { CORPUS_SEED, type Ctx, mainCorpus } from "../lib/context";
import { ROOT, rel, WORK } from "../lib/env";

const CTX = {
  timeZone: "Asia/Shanghai",
  siteHost: "finews.withounder.com",
  sha256: (s: string) => createHash("sha256").update(s).digest("hex"),
};
/** The seed's batch size (src/db/sync.ts BATCH_POSTS); its byte cap rarely applies to these posts. */
const BATCH = 1000;

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
  const file = join(WORK, "writepath.sqlite");
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  const db = new DatabaseSync(file);
  let sqlSeconds = 0;
  try {
    db.exec("PRAGMA journal_mode = WAL");
    for (const sql of readFileSync(join(ROOT, "migrations", "0000_init.sql"), "utf8").split("--> statement-breakpoint"))
      db.exec(sql);
    t = performance.now();
    for (let i = 0; i < posts.length; i += BATCH) {
      db.exec("BEGIN");
      for (const s of writePosts(posts.slice(i, i + BATCH), Date.now())) db.prepare(s.sql).run(...(s.params as never[]));
      db.exec("COMMIT");
    }
    sqlSeconds = (performance.now() - t) / 1000;
  } finally {
    db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
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
      `first ${want} files of ${rel(corpus)}: parsePost (src/content) in one process; then writePosts (src/db/statements) in batches of ${BATCH}, node:sqlite, one transaction per batch`,
    ],
  };
}
