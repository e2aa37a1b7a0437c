/**
 * @module test/worker/helpers
 * Seeding D1 through the same statements the seed script uses, and fetching
 * through the Worker's own fetch handler.
 */
import { env, exports } from "cloudflare:workers";
import type { PostRecord } from "../../src/content/types";
import { type StoredPost, writePost } from "../../src/db/statements";
import { fragmentsToStore } from "../../src/feeds";
import type { FixturePost } from "../support/fixtures";
import { SITE_CONFIG } from "../support/site-config";

export const BASE = "https://finews.withounder.com";

export function fixturePosts(origin?: string): FixturePost[] {
  const all = JSON.parse(env.TEST_POSTS) as FixturePost[];
  return origin ? all.filter((p) => p.origin === origin) : all;
}

/**
 * Stores posts through the seed's own statements, with their feed entries rendered as the seed
 * renders them (`entries: false` stores none: feeds then render them on request).
 */
export async function seedPosts(posts: PostRecord[], now = Date.now(), opts: { entries?: boolean } = {}): Promise<void> {
  const entries = opts.entries === false ? [] : fragmentsToStore(SITE_CONFIG, posts);
  const stored: StoredPost[] = posts.map((p, i) => ({ ...p, feed: entries[i] ?? null }));
  const stmts = stored.flatMap((p) => writePost(p, now));
  for (let i = 0; i < stmts.length; i += 200) {
    await env.DB.batch(stmts.slice(i, i + 200).map((s) => env.DB.prepare(s.sql).bind(...s.params)));
  }
}

export async function clearPosts(): Promise<void> {
  await env.DB.batch(["DELETE FROM posts", "DELETE FROM post_terms", "DELETE FROM terms"].map((s) => env.DB.prepare(s)));
}

export function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(path.startsWith("http") ? path : `${BASE}${path}`, { redirect: "manual", ...init }));
}

/** A minimal post for tests that need specific fields. */
export function makePost(over: Partial<PostRecord> & { slug: string }): PostRecord {
  const publishedAt = over.publishedAt ?? Date.UTC(2024, 0, 2, 3, 4, 5);
  return {
    infoCode: null,
    title: `标题 ${over.slug}`,
    publishedAt,
    localDate: "2024-01-02",
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
