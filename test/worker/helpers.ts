/**
 * @module test/worker/helpers
 * Seeding D1 through the same statements the seed script uses, and fetching
 * through the Worker's own fetch handler.
 */
import { env, exports } from "cloudflare:workers";
import type { PostRecord } from "../../src/content/types";
import { type StoredPost, writePost } from "../../src/db/statements";
import { fragmentsToStore } from "../../src/feeds";
import { primaryOf, type Shard, shardAt } from "../../src/db/archive";
import { routeRows } from "../../src/db/archive-sync";
import { archiveBindings } from "../../src/http/context";
import type { FixturePost } from "../support/fixtures";
import { SITE_CONFIG } from "../support/site-config";

export const BASE = "https://finews.withounder.com";

export function fixturePosts(origin?: string): FixturePost[] {
  const all = JSON.parse(env.TEST_POSTS) as FixturePost[];
  return origin ? all.filter((p) => p.origin === origin) : all;
}

/** The databases of the setup under test (wrangler.toml, or its `archive` environment), newest first. */
export function archiveShards(): Shard<D1Database>[] {
  return archiveBindings(env);
}

export const archiveDatabases = (): D1Database[] => archiveShards().map((s) => s.db);

/** The database that holds a post published at `ms`. */
export const databaseAt = (ms: number): D1Database => shardAt(archiveShards(), ms).db;

/** True when the setup under test spans several databases. */
export const sharded = (): boolean => archiveShards().length > 1;

/**
 * Stores posts through the seed's own statements, each in its database, with their feed entries
 * rendered as the seed renders them (`entries: false` stores none: feeds then render them on request).
 */
export async function seedPosts(posts: PostRecord[], now = Date.now(), opts: { entries?: boolean } = {}): Promise<void> {
  const entries = opts.entries === false ? [] : fragmentsToStore(SITE_CONFIG, posts);
  const stored: StoredPost[] = posts.map((p, i) => ({ ...p, feed: entries[i] ?? null }));
  const shards = archiveShards();
  for (const s of shards) {
    const mine = stored.filter((p) => shardAt(shards, p.publishedAt) === s);
    const primary = primaryOf(shards).db;
    for (const r of routeRows({ shards, timeZone: SITE_CONFIG.timeZone }, s, mine))
      await primary
        .prepare(r.sql)
        .bind(...r.params)
        .run();
    const stmts = mine.flatMap((p) => writePost(p, now));
    for (let i = 0; i < stmts.length; i += 200) {
      await s.db.batch(stmts.slice(i, i + 200).map((x) => s.db.prepare(x.sql).bind(...x.params)));
    }
  }
}

export async function clearPosts(): Promise<void> {
  for (const db of archiveDatabases()) {
    await db.batch(
      [
        "DELETE FROM posts",
        "DELETE FROM post_terms",
        "DELETE FROM terms",
        "INSERT INTO post_search (post_search) VALUES ('delete-all')",
      ].map((s) => db.prepare(s)),
    );
  }
}

export function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(path.startsWith("http") ? path : `${BASE}${path}`, { redirect: "manual", ...init }));
}

/** A minimal post for tests that need specific fields. */
export function makePost(over: Partial<PostRecord> & { slug: string }): PostRecord {
  // A dated path without a time dates the post that day (as Jekyll's permalinks do), so it has one home database.
  const dated = /\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(over.path ?? "");
  const publishedAt =
    over.publishedAt ??
    (dated ? Date.UTC(Number(dated[1]), Number(dated[2]) - 1, Number(dated[3]), 3, 4, 5) : Date.UTC(2024, 0, 2, 3, 4, 5));
  return {
    infoCode: null,
    title: `标题 ${over.slug}`,
    publishedAt,
    localDate: new Date(publishedAt + 8 * 3_600_000).toISOString().slice(0, 10),
    path: `/testcat/2024/01/02/${over.slug}.html`,
    categories: ["testcat"],
    categoriesRaw: "testcat",
    tags: ["测试新闻"],
    bodyMd: "正文",
    bodyHtml: "<p>正文</p>",
    summary: "正文",
    firstImage: null,
    sourceUrl: null,
    shareUrl: null,
    backLink: null,
    published: true,
    permalink: null,
    hash: `h-${over.slug}-${Math.random()}`,
    ...over,
  };
}
