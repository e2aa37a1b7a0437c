/**
 * @module scripts/seed
 * `npm run seed -- [--local | --remote] [--persist-to DIR] [--config PATH] [--dry-run] [--json] PATH...`
 * Parses markdown posts (src/content) and upserts them into D1 (src/db).
 * Exit 0: nothing rejected; 1: some files rejected (the rest written); 2: usage or configuration error.
 */
import { ConfigError } from "../src/config";
import { parseFilename } from "../src/content/permalink";
import { ensureMigrations, PendingMigrationsError } from "../src/db/migrations";
import type { StoredPost } from "../src/db/statements";
import { type Executor, type Outcome, planPosts, prune, syncPosts } from "../src/db/sync";
import { fragmentsToStore } from "../src/feeds";
import { npmSwallowedOptions, parseArgs, type SeedArgs, USAGE, UsageError } from "./lib/args";
import {
  loadProjectConfig,
  localDatabaseExists,
  localStateDir,
  type OpenDatabase,
  openDatabase,
  readMigrationFiles,
} from "./lib/database";
import { createParser, type FileOutcome, type PostFile } from "./lib/parse-files";
import { emptyReport, Progress, printHuman, type Report, timingLine } from "./lib/report";
import { walk } from "./lib/walk";

/** Files parsed per round: bounded memory, one hash query and a few batches per round. */
const CHUNK = 500;

interface Target {
  db: Executor | null;
  /** false when the target has no posts table yet (a dry run against a fresh database). */
  hasPosts: boolean;
  close(): Promise<void>;
}

/** Opens the target and brings (or, for a dry run, checks) its migrations; throws before writing when it can't be written. */
async function openTarget(args: SeedArgs, project: Awaited<ReturnType<typeof loadProjectConfig>>, log: (s: string) => void) {
  const migrations = (() => {
    try {
      return readMigrationFiles(project.database.migrationsDir);
    } catch (err) {
      throw new ConfigError("migrations_dir", `cannot read ${project.database.migrationsDir}: ${(err as Error).message}`);
    }
  })();
  const none: Target = { db: null, hasPosts: false, close: async () => {} };
  if (args.dryRun && args.target === "local" && !localDatabaseExists(project, args.persistTo)) {
    log(`dry run: no local D1 under ${localStateDir(project, args.persistTo)} yet; every valid post counts as an insert`);
    return none;
  }
  const database: OpenDatabase = await openDatabase(project, args.target, args.persistTo);
  try {
    const how = args.target === "remote" ? "require" : args.dryRun ? "inspect" : "apply";
    const { applied, pending } = await ensureMigrations(database.db, migrations, how);
    if (applied.length) log(`applied local migrations: ${applied.join(", ")}`);
    if (pending.length) log(`dry run: would apply local migrations ${pending.join(", ")}`);
    const tables = await database.db.all<{ n: number }>({
      sql: "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'posts'",
      params: [],
    });
    return { db: database.db, hasPosts: Boolean(tables[0]?.n), close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}

async function seed(args: SeedArgs, log: (s: string) => void): Promise<Report> {
  const started = Date.now();
  const project = await loadProjectConfig(args.config);
  const found = walk(args.paths);
  if (found.missing.length) throw new UsageError(`no such file or folder: ${found.missing.join(", ")}`);
  const report = emptyReport();
  report.skipped.push(...found.skipped);

  // Slugs come from filenames, so duplicates are known before anything is written.
  const bySlug = new Map<string, string[]>();
  for (const f of found.posts) {
    const { slug } = parseFilename(f.basename);
    if (!slug) continue;
    const list = bySlug.get(slug);
    if (list) list.push(f.file);
    else bySlug.set(slug, [f.file]);
  }

  const target = await openTarget(args, project, log);
  const parser = createParser(
    { timeZone: project.site.timeZone, siteHost: new URL(project.site.siteUrl).host, site: project.site },
    found.posts.length,
  );
  const order = new Map(found.posts.map((f, i) => [f.file, i]));
  const progress = new Progress(found.posts.length);

  const timing = { parse: 0, database: 0 };
  /** Starts parsing a chunk (files claimed by one slug twice are refused here, unread). */
  const parseChunk = (files: PostFile[]) => {
    const refused: FileOutcome[] = [];
    const todo: PostFile[] = [];
    for (const f of files) {
      const { slug } = parseFilename(f.basename);
      const claimants = bySlug.get(slug) ?? [];
      if (claimants.length > 1) {
        refused.push({
          file: f.file,
          ok: false,
          warnings: [],
          reason: `slug "${slug}" is claimed by ${claimants.length} files (${claimants.join(", ")}); none is written and the stored post is left as it was`,
        });
      } else todo.push(f);
    }
    return parser.parse(todo).then((outcomes) => [...refused, ...outcomes]);
  };

  const store = async (outcomes: FileOutcome[]): Promise<void> => {
    const parsed: StoredPost[] = [];
    const fileOf = new Map<string, string>();
    for (const o of outcomes) {
      report.scanned++;
      for (const message of o.warnings) report.warnings.push({ file: o.file, message });
      if (!o.ok) {
        report.rejected.push({ file: o.file, reason: o.reason });
        continue;
      }
      parsed.push(o.post);
      fileOf.set(o.post.slug, o.file);
    }
    const t0 = performance.now();
    let outcome: Map<string, Outcome>;
    if (!target.db || !target.hasPosts) {
      outcome = new Map(parsed.map((p) => [p.slug, "inserted" as const]));
    } else if (args.dryRun) {
      outcome = await planPosts(target.db, parsed);
    } else {
      outcome = await syncPosts(target.db, parsed, Date.now(), {
        onError: (slug, err) => {
          const reason = `database write failed: ${err instanceof Error ? err.message : String(err)}`;
          report.rejected.push({ file: fileOf.get(slug) ?? slug, reason });
        },
        refreshEntries: (posts, at) => fragmentsToStore(project.site, posts, at),
      });
    }
    for (const o of outcome.values()) report[o]++;
    timing.database += performance.now() - t0;
  };

  try {
    // The next chunks are parsing (on other threads, or between the database's awaits) while this one
    // is written; two in flight keep the parse threads busy through the main thread's pauses.
    const inFlight: Promise<FileOutcome[]>[] = [];
    let dispatched = 0;
    const dispatch = () => {
      if (dispatched >= found.posts.length) return;
      const next = parseChunk(found.posts.slice(dispatched, dispatched + CHUNK));
      // Handled when awaited below; marked now so a failure while another chunk is written isn't "unhandled".
      next.catch(() => {});
      inFlight.push(next);
      dispatched += CHUNK;
    };
    dispatch();
    dispatch();
    for (let done = 0; inFlight.length; ) {
      // Time spent waiting for parsed files: all of the parsing when inline, what the threads did not hide otherwise.
      const t0 = performance.now();
      const outcomes = await (inFlight.shift() as Promise<FileOutcome[]>);
      timing.parse += performance.now() - t0;
      dispatch();
      await store(outcomes);
      done += outcomes.length;
      progress.update(done);
    }
    // Always, not only when this run wrote: a run killed after its last batch left the prune undone.
    if (target.db && !args.dryRun) await prune(target.db, Date.now());
  } finally {
    progress.done();
    await parser.close();
    await target.close();
  }
  const byFile = (a: { file: string }, b: { file: string }) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1);
  report.rejected.sort(byFile);
  report.warnings.sort(byFile);
  const times = {
    seconds: (Date.now() - started) / 1000,
    parseSeconds: timing.parse / 1000,
    databaseSeconds: timing.database / 1000,
  };
  if (args.json) log(timingLine(report, times));
  else printHuman(report, { dryRun: args.dryRun, target: args.target, ...times });
  return report;
}

async function main(): Promise<number> {
  // stdout carries the JSON report and nothing else: wrangler and miniflare log progress to stdout
  // ("Establishing remote connection…"), so everything but the report is sent to stderr.
  const writeReport = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  let args: SeedArgs;
  try {
    const swallowed = npmSwallowedOptions(process.argv.slice(2), process.env);
    if (swallowed) throw swallowed;
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
    if (args.json) writeReport(`${JSON.stringify(report)}\n`);
    return report.rejected.length ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof PendingMigrationsError) {
      log(`seed: ${err.message}`);
      if (err instanceof UsageError) log(USAGE);
      return 2;
    }
    log(
      `seed: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n` +
        "seed: posts written before this point are complete (each batch is a transaction); running the seed again finishes the job.",
    );
    return 2;
  }
}

process.exitCode = await main();
