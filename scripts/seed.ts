/**
 * @module scripts/seed
 * `npm run seed -- [--local | --remote] [--persist-to DIR] [--config PATH] [--dry-run] [--json] PATH...`
 * Parses markdown posts (src/content) and upserts them into D1 (src/db).
 * Exit 0: nothing rejected; 1: some files rejected (the rest written); 2: usage or configuration error.
 */
import { readFile } from "node:fs/promises";
import { ConfigError } from "../src/config";
import { parsePost } from "../src/content/post";
import type { PostRecord } from "../src/content/types";
import { applyMigrations, pendingMigrations } from "../src/db/migrations";
import { syncPosts } from "../src/db/sync";
import { parseFilename } from "../src/content/permalink";
import { parseArgs, type SeedArgs, USAGE, UsageError } from "./lib/args";
import { loadProjectConfig, type OpenDatabase, openDatabase, readMigrationFiles } from "./lib/database";
import { emptyReport, Progress, printHuman, type Report } from "./lib/report";
import { walk } from "./lib/walk";

/** Files parsed and written per round: bounded memory, one hash query per round. */
const CHUNK = 100;

class FatalError extends Error {}

export async function seed(args: SeedArgs, log: (s: string) => void): Promise<Report> {
  const started = Date.now();
  const project = await loadProjectConfig(args.config);
  const report = emptyReport();
  const found = walk(args.paths);
  if (found.missing.length) throw new UsageError(`no such file or folder: ${found.missing.join(", ")}`);
  report.skipped.push(...found.skipped);

  // Slugs come from filenames, so duplicates are known before anything is written.
  const bySlug = new Map<string, string[]>();
  for (const f of found.posts) {
    const { slug } = parseFilename(f.basename);
    const list = bySlug.get(slug);
    if (list) list.push(f.file);
    else bySlug.set(slug, [f.file]);
  }
  const duplicated = new Set([...bySlug].filter(([slug, files]) => slug && files.length > 1).map(([s]) => s));

  let database: OpenDatabase | null = null;
  if (!args.dryRun) {
    database = await openDatabase(project, args.target, args.persistTo);
    const pending = await pendingMigrations(database.db, readMigrationFiles(project.database.migrationsDir));
    if (pending.length && args.target === "remote") {
      await database.close();
      throw new FatalError(
        `the remote database lacks migration${pending.length > 1 ? "s" : ""} ${pending.map((m) => m.name).join(", ")}; ` +
          "run 'npx wrangler d1 migrations apply DB --remote' (or 'npm run deploy') first. Nothing was written.",
      );
    }
    if (pending.length) log(`applied local migrations: ${(await applyMigrations(database.db, pending)).join(", ")}`);
  }

  const progress = new Progress(found.posts.length);
  try {
    for (let i = 0; i < found.posts.length; i += CHUNK) {
      const chunk = found.posts.slice(i, i + CHUNK);
      const parsed: PostRecord[] = [];
      const fileOf = new Map<string, string>();
      for (const f of chunk) {
        report.scanned++;
        const { slug } = parseFilename(f.basename);
        if (duplicated.has(slug)) {
          const others = (bySlug.get(slug) ?? []).filter((x) => x !== f.file);
          report.rejected.push({
            file: f.file,
            reason: `slug "${slug}" is also claimed by ${others.join(", ")}; stored post left as it was`,
          });
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = await readFile(f.file);
        } catch (err) {
          report.rejected.push({ file: f.file, reason: `cannot read: ${(err as Error).message}` });
          continue;
        }
        const r = await parsePost(bytes, f.basename, {
          timeZone: project.site.timeZone,
          siteHost: new URL(project.site.siteUrl).host,
        });
        for (const message of r.warnings) report.warnings.push({ file: f.file, message });
        if (!r.ok) {
          report.rejected.push({ file: f.file, reason: r.reason });
          continue;
        }
        parsed.push(r.post);
        fileOf.set(r.post.slug, f.file);
      }
      if (database) {
        const outcome = await syncPosts(database.db, parsed, Date.now(), (slugs, err) => {
          const reason = `database write failed: ${err instanceof Error ? err.message : String(err)}`;
          for (const s of slugs) report.rejected.push({ file: fileOf.get(s) ?? s, reason });
        });
        for (const o of outcome.values()) report[o]++;
      } else {
        // A dry run cannot tell updated from unchanged without a database; count parsed posts as inserts.
        report.inserted += parsed.length;
      }
      progress.update(Math.min(i + CHUNK, found.posts.length));
    }
  } finally {
    progress.done();
    await database?.close();
  }
  if (!args.json) printHuman(report, { dryRun: args.dryRun, target: args.target, seconds: (Date.now() - started) / 1000 });
  return report;
}

async function main(): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  let args: SeedArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) log(`seed: ${err.message}`);
      log(USAGE);
      return 2;
    }
    throw err;
  }
  try {
    const report = await seed(args, log);
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.rejected.length ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof FatalError) {
      log(`seed: ${err.message}`);
      if (err instanceof UsageError) log(USAGE);
      return 2;
    }
    log(`seed: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 2;
  }
}

process.exitCode = await main();
