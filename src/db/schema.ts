/**
 * @module db/schema
 * D1 tables (drizzle). `posts` holds everything a page or feed needs without
 * re-parsing; `post_terms` makes "latest N in a category/tag" an index range
 * scan; `terms` names each category and tag once.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const posts = sqliteTable(
  "posts",
  {
    id: integer("id").primaryKey({ autoIncrement: false }),
    slug: text("slug").notNull(),
    infoCode: text("info_code"),
    title: text("title").notNull(),
    /** epoch ms UTC */
    publishedAt: integer("published_at").notNull(),
    /** YYYY-MM-DD in SITE_TIMEZONE */
    localDate: text("local_date").notNull(),
    path: text("path").notNull(),
    /** JSON array of category names as written */
    categories: text("categories").notNull(),
    categoriesRaw: text("categories_raw").notNull(),
    /** JSON array of tags */
    tags: text("tags").notNull(),
    bodyHtml: text("body_html").notNull(),
    summary: text("summary").notNull(),
    firstImage: text("first_image"),
    sourceUrl: text("source_url"),
    shareUrl: text("share_url"),
    backLink: text("back_link"),
    /** 0 for `published: false` */
    published: integer("published").notNull(),
    permalink: text("permalink"),
    hash: text("hash").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /**
     * The post's feed entry in each format, rendered when it was stored (src/feeds/fragments.ts),
     * and the key they were rendered under; null until rendered.
     */
    feedKey: text("feed_key"),
    feedAtom: text("feed_atom"),
    feedRss: text("feed_rss"),
    feedJson: text("feed_json"),
    /**
     * The file the post came from (`2022-06-15-NW….md`): a slug belongs to one file, so a second
     * file claiming it is refused. Null for posts stored before files were recorded.
     */
    file: text("file"),
    /**
     * The post's key in the search index (migration 0008, db/search-writes): its second of
     * publication × 256 plus its place among the posts of that second, so keys grow with time,
     * stay unique, and lie close together (FTS5 stores each key as a delta). Null when hidden.
     */
    searchKey: integer("search_key"),
  },
  (t) => [
    uniqueIndex("posts_slug").on(t.slug),
    // The hash of a slug without reading the row: `hash` lies beyond the bodies, in overflow pages,
    // so a lookup through posts_slug reads kilobytes per post (the seed's re-runs ask for 100,000s).
    index("posts_slug_hash").on(t.slug, t.hash),
    // Share links: newest visible post with a code, without walking the time index.
    index("posts_info_code").on(t.infoCode, t.publishedAt),
    index("posts_path").on(t.path),
    // Latest-overall and sitemap ranges only ever look at published rows.
    index("posts_published_time").on(t.publishedAt, t.id).where(sql`${t.published} = 1`),
    uniqueIndex("posts_search_key").on(t.searchKey),
  ],
);

/** One row per (category | raw categories string | tag) of each published post. */
export const postTerms = sqliteTable(
  "post_terms",
  {
    /** 'c' category, 'r' raw categories string, 't' tag */
    kind: text("kind").notNull(),
    /** lowercased name */
    key: text("key").notNull(),
    publishedAt: integer("published_at").notNull(),
    postId: integer("post_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key, t.publishedAt, t.postId] }), index("post_terms_post").on(t.postId)],
);

export const terms = sqliteTable(
  "terms",
  {
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    /** Name as first written, e.g. TechWeb */
    name: text("name").notNull(),
    /** Human name: for a category, its posts' tag (e.g. 河北新闻网新闻) */
    label: text("label").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);

/**
 * The cache change log (src/db/changes.ts): one row per cache tag, holding its last change.
 * `seq` grows with every change (AUTOINCREMENT: a replaced row never reuses a number), so the
 * purger can resume after the last one it sent; `at` is 0 only inside the writing transaction.
 */
export const cacheChanges = sqliteTable(
  "cache_changes",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tag: text("tag").notNull(),
    /** epoch ms of the change, D1's clock */
    at: integer("at").notNull(),
  },
  (t) => [uniqueIndex("cache_changes_tag").on(t.tag), index("cache_changes_at").on(t.at)],
);

/**
 * Tags changed in the archive's other databases, copied here (in DB) after each write there
 * (db/archive-sync): only the emulated edge reads it, so one query checks a copy against every
 * database, while the purger and WebSub read each database's own change log alone.
 */
export const edgeChanges = sqliteTable(
  "edge_changes",
  {
    tag: text("tag").primaryKey(),
    /** epoch ms of the copy, D1's clock (after the write it copies committed) */
    at: integer("at").notNull(),
  },
  (t) => [index("edge_changes_at").on(t.at)],
);

/** Small named counters the Worker keeps between runs (the purger's position in the change log). */
export const state = sqliteTable("state", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

/**
 * The archive's routing table, in the primary database only (src/db/archive.ts): a post's path or
 * share code whose date does not lead to the database holding the post (a `permalink:` without a
 * date, a code dated days away from its post), and that database's binding.
 */
export const archiveRoutes = sqliteTable("archive_routes", {
  key: text("key").primaryKey(),
  shard: text("shard").notNull(),
});

/**
 * The tables a backup holds (scripts/backup.ts), and all it needs: a restore applies the
 * migrations, loads these, and rebuilds the rest. Left out: the search index (FTS5: wrangler's
 * export refuses it, and it is rebuilt from `posts`), `state` (the database's own epoch and
 * bookkeeping), and the change log and edge copies (a fresh database starts its own).
 * test/node/backup.test.ts checks every table of a migrated database is named here or there.
 */
export const BACKUP_TABLES = ["posts", "post_terms", "terms", "archive_routes"] as const;
/** The tables a backup leaves out, each for its reason above. */
export const REBUILT_TABLES = ["post_search", "state", "cache_changes", "edge_changes", "d1_migrations"] as const;
