/**
 * @module db/search-rebuild
 * Builds a database's search index again from its stored posts: after a
 * restore (backups carry the base tables, not the index), after migration
 * 0008 on a database that already held posts, and when the tokenizing code
 * changed (SEARCH_VERSION). The seed runs it on every database whose index
 * says another version, or with `--reindex`.
 */
import { searchKey } from "./queries";
import { categoryKeys, MAX_JSON_PARAM_BYTES, packJson, type Statement, stateWrite, termsOf } from "./statements";
import {
  CLEAR_INDEX,
  INDEX_BY_ID,
  rebuildPage,
  SEARCH_STATE,
  SEARCH_STATE_READ,
  SEARCH_VERSION,
  searchColumns,
} from "./search-writes";
import type { Executor } from "./sync";

/** Posts read and indexed per round (bodies included: a few megabytes). */
const PAGE = 500;

interface PostText {
  id: number;
  title: string;
  body_html: string;
  categories: string;
  categories_raw: string;
  tags: string;
}

const list = (json: string): string[] => {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

/** Whether the database's index was built by this code (false also when it has none). */
export async function searchIsCurrent(db: Executor): Promise<boolean> {
  const [row] = await db.all<{ value: number }>(SEARCH_STATE_READ);
  return row?.value === SEARCH_VERSION;
}

/** Empties the index and puts every published post back; returns how many went in. */
export async function rebuildSearch(db: Executor, onProgress?: (indexed: number) => void): Promise<number> {
  // Marked stale first: a rebuild cut short is redone by the next run.
  await db.batch([CLEAR_INDEX, stateWrite(SEARCH_STATE, 0)]);
  let after = 0;
  let indexed = 0;
  for (;;) {
    const rows = await db.all<PostText>(rebuildPage(after, PAGE));
    if (!rows.length) break;
    const entries = rows.map((r): [number, string, string] => {
      const post = { categories: list(r.categories), categoriesRaw: r.categories_raw, tags: list(r.tags) };
      return [r.id, ...searchColumns({ title: r.title, bodyHtml: r.body_html }, categoryKeys(termsOf(post)))];
    });
    await db.batch(db.inProcess ? entries.map((e) => ({ sql: INDEX_BY_ID, params: e })) : packed(entries));
    indexed += rows.length;
    after = (rows[rows.length - 1] as PostText).id;
    onProgress?.(indexed);
  }
  await db.batch([stateWrite(SEARCH_STATE, SEARCH_VERSION)]);
  return indexed;
}

/** Over the network: rows as JSON texts, a few statements per round. */
function packed(entries: [number, string, string][]): Statement[] {
  const { packs, oversized } = packJson(entries, MAX_JSON_PARAM_BYTES);
  return [
    ...packs.map((json) => ({
      sql:
        `INSERT INTO post_search (rowid, body, cats) SELECT ${searchKey("p")}, ` +
        "json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') FROM json_each(?1) AS j JOIN posts AS p ON p.id = json_extract(j.value, '$[0]')",
      params: [json],
    })),
    ...oversized.map((i) => ({ sql: INDEX_BY_ID, params: entries[i] as [number, string, string] })),
  ];
}
