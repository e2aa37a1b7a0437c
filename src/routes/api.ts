/**
 * @module routes/api
 * The ingest API: publishing through the edge with the seed's rules
 * (src/ingest), behind `Authorization: Bearer <INGEST_TOKEN>` (src/http/auth).
 *
 *   PUT    /api/posts/{file}   one markdown file as the body: 201 inserted (Location), 200 updated/unchanged
 *   POST   /api/posts          multipart/form-data, one part per file: the seed's JSON report (`?dry_run=1`: nothing written)
 *   DELETE /api/posts/{file}   takes the post down: 200, or 404 when no post has that file's slug
 *   POST   /api/hashes         `{"slugs": [...]}` → the stored hash of each, and the database's state (the seed's re-runs)
 *
 * Refusals are JSON naming the reason: 400 bad file name or request, 409 a slug another file holds,
 * 413 over a size limit (named), 415 not text or not multipart, 422 a file the parser rejects, 503
 * the database failed. After a write, the changed cache tags are purged and the WebSub hub told in
 * the background (jobs/propagate). Writes use the deployed config (never a loopback origin's).
 */
import type { Context, Handler } from "hono";
import { MAX_ROW_BYTES } from "../content/post";
import { fileOfSlug } from "../db/reads";
import { hashesOf, targetState } from "../db/repository";
import { deleteFrom } from "../db/archive-sync";
import { conflictReason } from "../db/sync";
import type { AppEnv } from "../env";
import { badName, type FileResult, type IncomingFile, ingestFiles, type Refusal } from "../ingest/files";
import { archiveBindings, configFor, writeTarget } from "../http/context";
import { type Log, propagateAfterWrite } from "../jobs/propagate";
import { parseFilename } from "../content/permalink";

type Ctx = Context<AppEnv>;

const STATUS: Record<Refusal, 400 | 409 | 413 | 415 | 422 | 503 | 507> = {
  full: 507,
  name: 400,
  duplicate: 409,
  conflict: 409,
  "too-large": 413,
  "not-text": 415,
  content: 422,
  database: 503,
};

/** Slugs one `/api/hashes` request may ask about. */
export const MAX_HASH_SLUGS = 10_000;

const noStore = { "Cache-Control": "no-store" };
const fail = (c: Ctx, status: 400 | 404 | 409 | 413 | 415, error: string) => c.json({ error }, status, noStore);

/** The request body, or null when it is longer than `max` bytes (read no further than that). */
async function readLimited(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("Content-Length") ?? "");
  if (Number.isFinite(declared) && declared > max) return null;
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}

/** Media types a markdown file may arrive as (curl's `--data-binary` sends form-urlencoded). */
const TEXT_TYPES = /^(?:text\/[\w.+-]+|application\/octet-stream|application\/x-www-form-urlencoded)$/i;

function isTextType(header: string | undefined): boolean {
  if (!header) return true;
  return TEXT_TYPES.test(header.split(";")[0]?.trim() ?? "");
}

const log: Log = (level, msg, extra = {}) =>
  console[level === "error" ? "error" : "log"](JSON.stringify({ level, job: "after-write", msg, ...extra }));

/** Changed tags to Workers Cache and feeds to the WebSub hub, now, in the background. */
function afterWrite(c: Ctx): void {
  const cache = (c.executionCtx as Partial<ExecutionContext>).cache;
  // The primary first (it holds the turn), then the others, newest first.
  const dbs = archiveBindings(c.env).map((s) => s.db);
  dbs.sort((a, b) => (a === c.env.DB ? -1 : b === c.env.DB ? 1 : 0));
  c.executionCtx.waitUntil(propagateAfterWrite(dbs, configFor(c.env), cache, log, Date.now()));
}

function fileBody(c: Ctx, r: FileResult) {
  return {
    status: r.status,
    url: r.path === null || r.status === "rejected" ? null : `${c.get("config").siteUrl}${r.path}`,
    warnings: r.warnings,
    reason: r.reason,
  };
}

export const putPost: Handler<AppEnv> = async (c) => {
  const name = c.req.param("file") ?? "";
  const why = badName(name);
  if (why) return c.json({ status: "rejected", url: null, warnings: [], reason: why }, 400, noStore);
  if (!isTextType(c.req.header("Content-Type"))) {
    return fail(c, 415, `a post is a markdown text file; Content-Type ${c.req.header("Content-Type")} is not text`);
  }
  const bytes = await readLimited(c.req.raw, MAX_ROW_BYTES);
  if (!bytes) return fail(c, 413, `a post file may be at most ${MAX_ROW_BYTES} bytes (D1's limit for one row)`);
  const { results } = await ingestFiles(writeTarget(c.env), [{ name, bytes }], {
    site: configFor(c.env),
    now: Date.now(),
  });
  const r = results[0] as FileResult;
  const body = fileBody(c, r);
  if (r.status === "rejected") return c.json(body, STATUS[r.refusal ?? "content"], noStore);
  if (r.status !== "unchanged") afterWrite(c);
  if (r.status === "inserted") return c.json(body, 201, { ...noStore, Location: body.url ?? "" });
  return c.json(body, 200, noStore);
};

export const postPosts: Handler<AppEnv> = async (c) => {
  const config = configFor(c.env);
  const type = c.req.header("Content-Type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return fail(c, 415, "send the files as multipart/form-data, one part per file (the part's filename is the file's name)");
  }
  const dryRun = ["1", "true"].includes(c.req.query("dry_run") ?? "");
  const bytes = await readLimited(c.req.raw, config.ingestMaxBytes);
  if (!bytes) return fail(c, 413, `a request may carry at most ${config.ingestMaxBytes} bytes (INGEST_MAX_BYTES)`);
  let form: FormData;
  try {
    form = await new Request(c.req.url, { method: "POST", headers: { "Content-Type": type }, body: bytes }).formData();
  } catch {
    return fail(c, 400, "the body is not valid multipart/form-data");
  }
  const files: IncomingFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") return fail(c, 400, `part "${field}" is not a file: every part must be a post file`);
    files.push({ name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  if (!files.length) return fail(c, 400, "no files: send one part per post file");
  if (files.length > config.ingestMaxFiles) {
    return fail(c, 413, `a request may carry at most ${config.ingestMaxFiles} files (INGEST_MAX_FILES); it had ${files.length}`);
  }
  const { report } = await ingestFiles(writeTarget(c.env), files, { site: config, now: Date.now(), dryRun });
  if (!dryRun && report.inserted + report.updated > 0) afterWrite(c);
  return c.json(report, 200, noStore);
};

export const deletePostFile: Handler<AppEnv> = async (c) => {
  const name = c.req.param("file") ?? "";
  const why = badName(name);
  if (why) return fail(c, 400, why);
  const { slug } = parseFilename(name);
  // Whichever database holds it (its date decides, and the file's name may not carry that date).
  const target = writeTarget(c.env);
  const holders = (
    await Promise.all(archiveBindings(c.env).map(async (s) => ({ name: s.name, stored: await fileOfSlug(s.db, slug) })))
  ).filter((h) => h.stored !== null);
  const mine = holders.filter((h) => !h.stored?.file || h.stored.file === name);
  if (!mine.length) {
    const other = holders[0]?.stored?.file;
    if (other) return fail(c, 409, conflictReason({ slug, storedFile: other }));
    return fail(c, 404, `no stored post has the slug "${slug}" of ${name}`);
  }
  for (const h of mine) {
    const shard = target.shards.find((s) => s.name === h.name);
    if (shard) await deleteFrom(target, shard, slug);
  }
  const stored = mine[0]?.stored as { path: string };
  afterWrite(c);
  return c.json({ status: "deleted", url: `${c.get("config").siteUrl}${stored.path}`, warnings: [], reason: null }, 200, noStore);
};

export const postHashes: Handler<AppEnv> = async (c) => {
  let slugs: unknown;
  try {
    slugs = ((await c.req.json()) as { slugs?: unknown }).slugs;
  } catch {
    return fail(c, 400, 'send JSON: {"slugs": ["…", …]}');
  }
  if (!Array.isArray(slugs) || slugs.some((s) => typeof s !== "string"))
    return fail(c, 400, '"slugs" must be an array of strings');
  if (slugs.length > MAX_HASH_SLUGS) return fail(c, 413, `at most ${MAX_HASH_SLUGS} slugs a request`);
  // The databases themselves, not read sessions: a replica's older state would only cost re-reads, but this is cheap.
  const archive = { shards: archiveBindings(c.env), timeZone: configFor(c.env).timeZone };
  const [hashes, state] = await Promise.all([hashesOf(archive, slugs as string[]), targetState(archive)]);
  return c.json({ hashes, state }, 200, noStore);
};

/** Any other method or path under /api/. */
export const apiFallback: Handler<AppEnv> = (c) => {
  const path = new URL(c.req.url).pathname;
  const allow = /^\/api\/posts\/[^/]+$/.test(path)
    ? "PUT, DELETE"
    : path === "/api/posts" || path === "/api/hashes"
      ? "POST"
      : null;
  if (!allow) return c.json({ error: `no such API path: ${path}` }, 404, noStore);
  return c.json({ error: `${c.req.method} is not allowed here; use ${allow}` }, 405, { ...noStore, Allow: allow });
};
