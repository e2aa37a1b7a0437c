/**
 * @module ingest/files
 * Publishing post files as they are, for the ingest API: the seed's rules in
 * the seed's order. Each file's name gives its date and slug; two files of
 * one batch claiming a slug are both refused, and so is a file whose slug a
 * stored post from another file holds; the rest are parsed by src/content,
 * get their feed entries when inside the feed window, and are written by
 * src/db/archive-sync into their databases (unchanged ones not at all). Every refusal says why and what
 * kind it is, so the API can answer with the right status.
 */
import type { SiteConfig } from "../config";
import { parseFilename } from "../content/permalink";
import { type ParseContext, parsePost } from "../content/post";
import { planArchive, syncArchive, type WriteTarget } from "../db/archive-sync";
import { type Conflict, conflictReason, type Outcome } from "../db/sync";
import type { StoredPost } from "../db/statements";
import { searchKeyFull } from "../db/search-writes";
import { fragmentsToStore } from "../feeds";
import { entriesAtWrite } from "./entries";
import { emptyReport, type Report } from "./report";

export interface IncomingFile {
  /** The file's base name, as in `_posts/`: `2022-06-15-NW202206152413395749.md`. */
  name: string;
  bytes: Uint8Array;
}

/** Why a file was refused: decides the API's status (400, 409, 413, 415, 422, 503, 507). */
export type Refusal = "name" | "duplicate" | "conflict" | "too-large" | "not-text" | "content" | "database" | "full";

export interface FileResult {
  file: string;
  status: Outcome | "rejected";
  /** The stored post's site path (inserted, updated, unchanged). */
  path: string | null;
  warnings: string[];
  reason: string | null;
  refusal: Refusal | null;
}

const POST_NAME = /^[^/\\\u0000-\u001f]+\.(?:md|markdown)$/i;

/** Why `name` cannot name a post file, or null when it can. */
export function badName(name: string): string | null {
  if (!name) return "no file name";
  if (name.length > 255) return "file name longer than 255 characters";
  if (name.startsWith(".")) return `"${name}" is a hidden file`;
  if (!POST_NAME.test(name)) return `"${name}" is not a post file name (a base name ending in .md or .markdown)`;
  if (!parseFilename(name).slug) return `"${name}" has no slug (expected YYYY-MM-DD-<slug>.md)`;
  return null;
}

/** The refusal of every file of one run or batch that claims a slug another file of it claims too. */
export const claimedTwice = (slug: string, files: string[]) =>
  `slug "${slug}" is claimed by ${files.length} files (${files.join(", ")}); none is written and the stored post is left as it was`;

/** Text files have no NUL bytes; an image or archive has plenty in its first kilobytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export interface IngestOptions {
  site: SiteConfig;
  now: number;
  /** Parse and compare only; nothing is written. */
  dryRun?: boolean;
}

/** Publishes `files` (one batch); results in the order given, and the seed's report of them. */
export async function ingestFiles(
  db: WriteTarget,
  files: IncomingFile[],
  opts: IngestOptions,
): Promise<{ report: Report; results: FileResult[] }> {
  const results: FileResult[] = files.map((f) => ({
    file: f.name,
    status: "rejected",
    path: null,
    warnings: [],
    reason: null,
    refusal: null,
  }));
  const refuse = (i: number, refusal: Refusal, reason: string) => {
    const r = results[i] as FileResult;
    r.status = "rejected";
    r.refusal = refusal;
    r.reason = reason;
  };

  const bySlug = new Map<string, number[]>();
  for (const [i, f] of files.entries()) {
    const why = badName(f.name);
    if (why) {
      refuse(i, "name", why);
      continue;
    }
    const { slug } = parseFilename(f.name);
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), i]);
  }
  for (const [slug, claimants] of bySlug) {
    if (claimants.length < 2) continue;
    const names = claimants.map((i) => (files[i] as IncomingFile).name);
    for (const i of claimants) {
      refuse(i, "duplicate", claimedTwice(slug, names));
    }
  }

  const ctx: ParseContext = { timeZone: opts.site.timeZone, siteHost: new URL(opts.site.siteUrl).host };
  const posts: StoredPost[] = [];
  const indexOf = new Map<string, number>();
  for (let i = 0; i < files.length; i++) {
    const r = results[i] as FileResult;
    const f = files[i] as IncomingFile;
    if (r.refusal) continue;
    if (looksBinary(f.bytes)) {
      refuse(i, "not-text", "not a text file (it contains NUL bytes)");
      continue;
    }
    const parsed = await parsePost(f.bytes, f.name, ctx);
    r.warnings = parsed.warnings;
    if (!parsed.ok) {
      refuse(i, parsed.tooLarge ? "too-large" : "content", parsed.reason);
      continue;
    }
    posts.push({ ...parsed.post, file: f.name });
    indexOf.set(parsed.post.slug, i);
    r.path = parsed.post.path;
  }

  const entries = entriesAtWrite(opts.site, posts, opts.now);
  const withEntries = posts.map((p, i) => ({ ...p, feed: entries[i] ?? null }));
  const onConflict = (c: Conflict) => refuse(indexOf.get(c.slug) as number, "conflict", conflictReason(c));
  const outcome = opts.dryRun
    ? await planArchive(db, withEntries, onConflict)
    : await syncArchive(db, withEntries, opts.now, {
        onConflict,
        onFull: (slug, reason) => refuse(indexOf.get(slug) as number, "full", reason),
        onError: (slug, err) => {
          // A second with no search key left is the post's doing (its date), not the database's.
          const full = searchKeyFull(err);
          refuse(
            indexOf.get(slug) as number,
            full ? "conflict" : "database",
            full ?? `database write failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        },
        refreshEntries: (list, at) => fragmentsToStore(opts.site, list, at),
      });
  for (const [slug, o] of outcome) (results[indexOf.get(slug) as number] as FileResult).status = o;

  const report = emptyReport();
  for (const r of results) {
    report.scanned++;
    for (const message of r.warnings) report.warnings.push({ file: r.file, message });
    if (r.status === "rejected") report.rejected.push({ file: r.file, reason: r.reason ?? "not written" });
    else report[r.status]++;
  }
  return { report, results };
}
