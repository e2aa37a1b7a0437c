/**
 * @module db/search-rebuild
 * Builds a database's search index again from its stored posts: after a
 * restore (backups carry the base tables, not the index), after migration
 * 0008 on a database that already held posts, and when the tokenizing code
 * changed (SEARCH_VERSION). The seed runs it on every database whose index
 * says another version, or with `--reindex`. Posts are read in (published_at,
 * id) order, so each second's keys are handed out in id order, as writes do.
 */
import { categoryKeys, MAX_JSON_PARAM_BYTES, packJson, type Statement, stateWrite, termsOf } from "./statements";
import { KEY_SLOTS, keyBase, SEARCH_STATE, SEARCH_STATE_READ, SEARCH_VERSION, searchColumns } from "./search-writes";
import { stringList as list } from "../content/text";
import type { Executor } from "./sync";

/** Posts read and indexed per round (bodies included: a few megabytes). */
const PAGE = 500;
/** Posts whose keys are cleared per statement (a statement over a million rows can outlast D1's limit). */
const CLEAR_PAGE = 20_000;

interface PostText {
  id: number;
  published_at: number;
  title: string;
  body_html: string;
  categories: string;
  categories_raw: string;
  tags: string;
}

/** Whether the database's index was built by this code (false also when it has none). */
export async function searchIsCurrent(db: Executor): Promise<boolean> {
  const [row] = await db.all<{ value: number }>(SEARCH_STATE_READ);
  return row?.value === SEARCH_VERSION;
}

/** Empties the index and every key, then puts every published post back; returns how many went in. */
export async function rebuildSearch(db: Executor, onProgress?: (indexed: number) => void): Promise<number> {
  // Marked stale first: a rebuild cut short is redone by the next run.
  await db.batch([
    { sql: "INSERT INTO post_search (post_search) VALUES ('delete-all')", params: [] },
    stateWrite(SEARCH_STATE, 0),
  ]);
  const [top] = await db.all<{ id: number | null }>({ sql: "SELECT max(id) AS id FROM posts", params: [] });
  for (let from = 0; from < (top?.id ?? 0); from += CLEAR_PAGE) {
    await db.batch([
      {
        sql: "UPDATE posts SET search_key = NULL WHERE id > ?1 AND id <= ?2 AND search_key IS NOT NULL",
        params: [from, from + CLEAR_PAGE],
      },
    ]);
  }
  let cursor: [number, number] = [Number.MIN_SAFE_INTEGER, 0];
  let second = Number.NaN;
  let slot = 0;
  let indexed = 0;
  for (;;) {
    const rows = await db.all<PostText>({
      sql:
        "SELECT id, published_at, title, body_html, categories, categories_raw, tags FROM posts INDEXED BY posts_published_time " +
        "WHERE published = 1 AND (published_at > ?1 OR (published_at = ?1 AND id > ?2)) ORDER BY published_at, id LIMIT ?3",
      params: [...cursor, PAGE],
    });
    if (!rows.length) break;
    const entries: [number, number, string, string][] = [];
    for (const r of rows) {
      const base = keyBase(r.published_at);
      if (base !== second) {
        second = base;
        slot = 0;
      }
      // A second's posts past KEY_SLOTS stay out of the index, as writes refuse them.
      if (slot >= KEY_SLOTS) continue;
      const post = { categories: list(r.categories), categoriesRaw: r.categories_raw, tags: list(r.tags) };
      entries.push([
        r.id,
        base + slot++,
        ...searchColumns({ title: r.title, bodyHtml: r.body_html }, categoryKeys(termsOf(post))),
      ]);
    }
    await db.batch(db.inProcess ? entries.flatMap(rowStatements) : packed(entries));
    indexed += entries.length;
    const last = rows[rows.length - 1] as PostText;
    cursor = [last.published_at, last.id];
    onProgress?.(indexed);
  }
  await db.batch([stateWrite(SEARCH_STATE, SEARCH_VERSION)]);
  return indexed;
}

const rowStatements = ([id, key, body, cats]: [number, number, string, string]): Statement[] => [
  { sql: "UPDATE posts SET search_key = ?2 WHERE id = ?1", params: [id, key] },
  { sql: "INSERT INTO post_search (rowid, body, cats) VALUES (?1, ?2, ?3)", params: [key, body, cats] },
];

/** Over the network: rows as JSON texts, a few statements per round. */
function packed(entries: [number, number, string, string][]): Statement[] {
  const { packs, oversized } = packJson(entries, MAX_JSON_PARAM_BYTES);
  return [
    ...packs.flatMap((json) => [
      {
        sql: "UPDATE posts SET search_key = json_extract(j.value, '$[1]') FROM json_each(?1) AS j WHERE posts.id = json_extract(j.value, '$[0]')",
        params: [json],
      },
      {
        sql:
          "INSERT INTO post_search (rowid, body, cats) " +
          "SELECT json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]') FROM json_each(?1) AS j",
        params: [json],
      },
    ]),
    ...oversized.flatMap((i) => rowStatements(entries[i] as [number, number, string, string])),
  ];
}
