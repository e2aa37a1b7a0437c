/**
 * @module db/statements
 * Plain bound SQL for the write path, as data ({sql, params}), so one writer
 * can drive any executor (local D1, remote D1) and tests can inspect it.
 * Every statement stays under D1's 100 bound parameters.
 */
import type { PostRecord } from "../content/types";

export type SqlValue = string | number | null;
export interface Statement {
  sql: string;
  params: SqlValue[];
}

/** D1 allows at most 100 bound parameters per statement. */
export const MAX_PARAMS = 100;

const POST_COLUMNS = [
  "slug",
  "info_code",
  "title",
  "published_at",
  "local_date",
  "path",
  "categories",
  "categories_raw",
  "tags",
  "body_md",
  "body_html",
  "summary",
  "first_image",
  "source_url",
  "share_url",
  "back_link",
  "published",
  "permalink",
  "hash",
  "created_at",
  "updated_at",
] as const;

const UPDATABLE = POST_COLUMNS.filter((c) => c !== "slug" && c !== "created_at");

export function selectHashes(slugs: string[]): Statement {
  if (slugs.length > MAX_PARAMS) throw new Error(`selectHashes: ${slugs.length} slugs exceed ${MAX_PARAMS} parameters`);
  return { sql: `SELECT slug, hash FROM posts WHERE slug IN (${slugs.map(() => "?").join(",")})`, params: slugs };
}

export interface TermRow {
  kind: "c" | "r" | "t";
  key: string;
  name: string;
  label: string;
}

/** The category, raw-categories and tag rows a published post belongs to. */
export function termsOf(post: PostRecord): TermRow[] {
  const rows = new Map<string, TermRow>();
  const label = post.tags[0] ?? null;
  const add = (kind: TermRow["kind"], name: string, lbl: string) => {
    const key = name.toLowerCase();
    if (key && !rows.has(`${kind}\u0000${key}`)) rows.set(`${kind}\u0000${key}`, { kind, key, name, label: lbl });
  };
  for (const c of post.categories) add("c", c, label ?? c);
  if (post.categories.length > 1 || (post.categoriesRaw && post.categoriesRaw !== post.categories[0])) {
    add("r", post.categoriesRaw, label ?? post.categoriesRaw);
  }
  for (const t of post.tags) add("t", t, t);
  return [...rows.values()];
}

/** Statements that make the stored post equal `post`: upsert the row, then replace its term rows. */
export function writePost(post: PostRecord, now: number): Statement[] {
  const values: SqlValue[] = [
    post.slug,
    post.infoCode,
    post.title,
    post.publishedAt,
    post.localDate,
    post.path,
    JSON.stringify(post.categories),
    post.categoriesRaw,
    JSON.stringify(post.tags),
    post.bodyMd,
    post.bodyHtml,
    post.summary,
    post.firstImage,
    post.sourceUrl,
    post.shareUrl,
    post.backLink,
    post.published ? 1 : 0,
    post.permalink,
    post.hash,
    now,
    now,
  ];
  const out: Statement[] = [
    {
      sql:
        `INSERT INTO posts (${POST_COLUMNS.join(", ")}) VALUES (${POST_COLUMNS.map(() => "?").join(", ")}) ` +
        `ON CONFLICT(slug) DO UPDATE SET ${UPDATABLE.map((c) => `${c} = excluded.${c}`).join(", ")}`,
      params: values,
    },
    { sql: "DELETE FROM post_terms WHERE post_id = (SELECT id FROM posts WHERE slug = ?)", params: [post.slug] },
  ];
  if (!post.published) return out;
  const terms = termsOf(post);
  // post_terms: 2 params per row plus the slug.
  for (let i = 0; i < terms.length; i += 40) {
    const chunk = terms.slice(i, i + 40);
    out.push({
      sql:
        `INSERT OR IGNORE INTO post_terms (kind, key, published_at, post_id) ` +
        `SELECT v.column1, v.column2, p.published_at, p.id FROM (VALUES ${chunk.map(() => "(?, ?)").join(", ")}) AS v, posts AS p WHERE p.slug = ?`,
      params: [...chunk.flatMap((t) => [t.kind, t.key]), post.slug],
    });
  }
  // terms: 4 params per row; a fallback label (the name itself) is upgraded when a real one turns up.
  for (let i = 0; i < terms.length; i += 25) {
    const chunk = terms.slice(i, i + 25);
    out.push({
      sql:
        `INSERT INTO terms (kind, key, name, label) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")} ` +
        `ON CONFLICT(kind, key) DO UPDATE SET label = excluded.label WHERE terms.label = terms.name AND excluded.label <> excluded.name`,
      params: chunk.flatMap((t) => [t.kind, t.key, t.name, t.label]),
    });
  }
  return out;
}
