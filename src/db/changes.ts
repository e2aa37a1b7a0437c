/**
 * @module db/changes
 * The cache change log: every write records, in the same transaction, the
 * cache tags of what it changed (`cache_changes`, one row per tag, its last
 * change). Edge caches read it: the emulated edge checks a copy against it
 * before serving it, and the purger (src/http/purge.ts) sends the tags
 * changed since its last run to Workers Cache. Writers outside the Worker
 * (the seed) therefore invalidate the Worker's caches without calling it;
 * SQL written by hand must record its tags the same way.
 *
 * In an archive of several databases each keeps its own log, written with its
 * posts; what a write changed in another database is also copied into DB's
 * `edge_changes` afterwards (db/archive-sync), which only the emulated edge
 * reads: it asks DB alone, and the purger and WebSub see each change once.
 *
 * This module is the write side (tag names and statements, shared with the
 * seed); the reads are in db/queries.ts and db/repository.ts.
 *
 * Tags here are canonical text (`site`, `post:<slug>`, `c:<key>`, `r:<key>`,
 * `t:<key>`); src/http/tags.ts gives their header form.
 */
import type { Statement, TermKind } from "./statements";

/** Home, site feeds, sitemaps and the index of sources: anything that lists posts of every source. */
export const SITE_TAG = "site";
/**
 * Names are cut to their first TAG_CHARS code points (SQL's substr counts the same way), so a
 * hostile 100 KB category name makes a short tag; names sharing that prefix share a tag.
 */
const TAG_CHARS = 200;
const cut = (s: string) => (s.length <= TAG_CHARS ? s : Array.from(s).slice(0, TAG_CHARS).join(""));
export const postTag = (slug: string) => `post:${cut(slug)}`;
export const termTag = (kind: TermKind, key: string) => `${kind}:${cut(key)}`;

/** A response carries at most this many tags (the edge's check binds one parameter each). */
export const MAX_TAGS = 8;

/** D1's clock in epoch ms, so every writer (seed on a laptop, the Worker) stamps changes alike. */
const SQL_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/**
 * First statement of a write batch: the tags of the posts about to change, as they are stored now
 * (their page, and the lists they leave if their categories change). `at = 0` marks rows of this
 * batch until `stampChanges` dates them; readers never see the mark (it is uncommitted until then).
 * `?1`: JSON array of slugs.
 */
export function recordOldTags(slugsJson: string): Statement {
  return {
    sql:
      "INSERT OR REPLACE INTO cache_changes (tag, at) " +
      `SELECT 'post:' || substr(p.slug, 1, ${TAG_CHARS}), 0 FROM posts AS p WHERE p.slug IN (SELECT value FROM json_each(?1)) ` +
      `UNION SELECT pt.kind || ':' || substr(pt.key, 1, ${TAG_CHARS}), 0 FROM post_terms AS pt JOIN posts AS p ON p.id = pt.post_id ` +
      "WHERE p.slug IN (SELECT value FROM json_each(?1))",
    params: [slugsJson],
  };
}

/** The tags a batch changes once written (`?1`: JSON array of tags), marked like recordOldTags. */
export function recordTags(tagsJson: string): Statement {
  return { sql: "INSERT OR REPLACE INTO cache_changes (tag, at) SELECT value, 0 FROM json_each(?1)", params: [tagsJson] };
}

/**
 * Last statement of a write batch: dates every tag the batch recorded with the time of this
 * statement, i.e. just before the commit makes the new rows visible. A reader that rendered
 * before that instant sees a change at or after its own start, so its copy is never trusted.
 */
export const STAMP_CHANGES: Statement = {
  sql: `UPDATE cache_changes SET at = ${SQL_NOW_MS} WHERE at = 0`,
  params: [],
};

/** Tags changed in another database (`?1`: JSON array), copied into DB's `edge_changes`, dated now. */
export function copyTags(tagsJson: string): Statement {
  return {
    sql: `INSERT OR REPLACE INTO edge_changes (tag, at) SELECT value, ${SQL_NOW_MS} FROM json_each(?1)`,
    params: [tagsJson],
  };
}

/** The newest change's sequence number (0: none yet), and the tags changed after one: a write's own rows. */
export const CHANGE_SEQ: Statement = { sql: "SELECT coalesce(max(seq), 0) AS seq FROM cache_changes", params: [] };
export const tagsAfter = (seq: number): Statement => ({
  sql: "SELECT tag FROM cache_changes WHERE seq > ?1 AND at > 0",
  params: [seq],
});

/** Changes older than this are dropped: no edge copy is kept longer (src/http/edge.ts keeps a day). */
export const CHANGE_RETENTION_MS = 2 * 86_400_000;

export function pruneChanges(now: number): Statement {
  // The newest row stays, however old: the log's head (max(seq)) never goes back, so positions
  // kept against it (the term prune's, the seed's manifest, the change-log copy) stay true.
  return {
    sql: "DELETE FROM cache_changes WHERE at > 0 AND at < ?1 AND seq < (SELECT max(seq) FROM cache_changes)",
    params: [now - CHANGE_RETENTION_MS],
  };
}

/** Copies older than any edge copy can be. */
export function pruneCopies(now: number): Statement {
  return { sql: "DELETE FROM edge_changes WHERE at < ?1", params: [now - CHANGE_RETENTION_MS] };
}

/**
 * The tags of posts that became visible in (after, until] by the clock alone (stored before they
 * were due): their lists change although nothing was written then. Stamped like a write.
 */
export function recordDue(after: number, until: number): Statement[] {
  const due = `FROM posts AS p INDEXED BY posts_published_time
     WHERE p.published = 1 AND p.published_at > ?1 AND p.published_at <= ?2 AND p.updated_at < p.published_at`;
  return [
    {
      sql:
        `INSERT OR REPLACE INTO cache_changes (tag, at) SELECT '${SITE_TAG}', 0 WHERE EXISTS (SELECT 1 ${due}) ` +
        `UNION SELECT pt.kind || ':' || substr(pt.key, 1, ${TAG_CHARS}), 0 ${due.replace("WHERE", "JOIN post_terms AS pt ON pt.post_id = p.id WHERE")}`,
      params: [after, until],
    },
    STAMP_CHANGES,
  ];
}
