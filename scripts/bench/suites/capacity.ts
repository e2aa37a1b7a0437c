/**
 * @module scripts/bench/suites/capacity
 * Measured row sizes of the main database, for docs/scaling.md: bytes per
 * table and index from SQLite's dbstat (pages actually used, indexes and
 * post_terms/terms included), the raw column bytes of posts, and what that
 * makes per post and per 10 GB (D1's cap on one database).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { type Ctx, ensureMainDb } from "../lib/context";
import { d1File, duBytes, openD1File } from "../lib/d1file";
import { ROOT, rel } from "../lib/env";

/** D1's maximum database size (paid plan), bytes. */
export const D1_MAX_BYTES = 10 * 1000 ** 3;

export async function capacitySuite(ctx: Ctx) {
  const dir = await ensureMainDb(ctx, ROOT);
  const db = openD1File(dir);
  try {
    const posts = (db.prepare("SELECT count(*) AS n FROM posts").get() as { n: number }).n;
    const objects = db
      .prepare(
        "SELECT d.name AS name, m.tbl_name AS tbl, m.type AS type, sum(d.pgsize) AS bytes, sum(d.payload) AS payload, count(*) AS pages " +
          "FROM dbstat AS d LEFT JOIN sqlite_schema AS m ON m.name = d.name GROUP BY d.name ORDER BY bytes DESC",
      )
      .all() as { name: string; tbl: string | null; type: string | null; bytes: number; payload: number; pages: number }[];
    const cols = [
      "body_html",
      "summary",
      "title",
      "path",
      "slug",
      "categories",
      "tags",
      "hash",
      "share_url",
      "source_url",
      "back_link",
      "first_image",
      "info_code",
    ];
    const colBytes = db
      .prepare(`SELECT ${cols.map((c) => `sum(length(CAST(${c} AS BLOB))) AS ${c}`).join(", ")} FROM posts`)
      .get() as Record<string, number>;
    // What compressing the stored HTML would give (deflate-raw, CompressionStream's algorithm), and what
    // reading it back would cost an article: a sample of 2,000 bodies.
    const sample = db.prepare("SELECT body_html FROM posts ORDER BY id LIMIT 2000").all() as { body_html: string }[];
    let raw = 0;
    let packed = 0;
    let inflateMs = 0;
    for (const { body_html } of sample) {
      const bytes = Buffer.from(body_html);
      const z = deflateRawSync(bytes);
      raw += bytes.length;
      packed += z.length;
      const t0 = performance.now();
      inflateRawSync(z).toString("utf8");
      inflateMs += performance.now() - t0;
    }
    const compression = { sample: sample.length, ratio: packed / raw, inflateUsPerPost: (inflateMs * 1000) / sample.length };
    const rows = {
      post_terms: (db.prepare("SELECT count(*) AS n FROM post_terms").get() as { n: number }).n,
      terms: (db.prepare("SELECT count(*) AS n FROM terms").get() as { n: number }).n,
    };
    const pageSize = (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
    const pageCount = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    const totalBytes = objects.reduce((n, o) => n + o.bytes, 0);
    const byTable: Record<string, number> = {};
    for (const o of objects) byTable[o.tbl ?? o.name] = (byTable[o.tbl ?? o.name] ?? 0) + o.bytes;
    const file = d1File(dir) as string;
    const perPost = totalBytes / posts;
    ctx.log(
      `  ${posts} posts: ${(totalBytes / 2 ** 20).toFixed(0)} MiB in pages, ${perPost.toFixed(0)} B/post → ${(D1_MAX_BYTES / perPost / 1e6).toFixed(2)} M posts per 10 GB`,
    );
    return {
      posts,
      pageSize,
      pageCount,
      fileBytes: duBytes(file),
      totalBytes,
      perPost,
      postsPer10GB: D1_MAX_BYTES / perPost,
      objects,
      byTable,
      columnBytes: colBytes,
      compression,
      rows,
      commands: [
        `SELECT name, sum(pgsize), sum(payload) FROM dbstat GROUP BY name   -- node:sqlite on ${rel(file)}`,
        "SELECT sum(length(CAST(body_html AS BLOB))), … FROM posts",
        "zlib deflateRawSync / inflateRawSync over 2,000 body_html values",
      ],
    };
  } finally {
    db.close();
  }
}
