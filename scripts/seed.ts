/**
 * @module scripts/seed
 * `npm run seed -- [--local | --remote | --api URL] [--persist-to DIR] [--config PATH] [--env NAME] [--dry-run] [--json] [--full] [--reindex] PATH...`
 * Parses markdown posts (src/content) and upserts them into D1 (src/db), or
 * sends them to a deployed site's ingest API (`--api`). Files unchanged since
 * the last run to the same target are not read (scripts/lib/manifest).
 * Exit 0: nothing rejected; 1: some files rejected (the rest written); 2: usage or configuration error.
 */
import { dirname, join } from "node:path";
import { ConfigError } from "../src/config";
import { parseFilename } from "../src/content/permalink";
import { PARSER_VERSION } from "../src/content/post";
import {
  archiveState,
  ensureArchiveMigrations,
  hasPostsTable,
  planArchive,
  pruneArchive,
  storedHashes,
  syncArchive,
  type WriteTarget,
} from "../src/db/archive-sync";
import { PendingMigrationsError } from "../src/db/migrations";
import type { StoredPost } from "../src/db/statements";
import { rebuildSearch, searchIsCurrent } from "../src/db/search-rebuild";
import { searchKeyFull } from "../src/db/search-writes";
import { type Conflict, conflictReason, type Outcome } from "../src/db/sync";
import { fragmentKey, fragmentsToStore } from "../src/feeds";
import { claimedTwice } from "../src/ingest/files";
import { mergeReport } from "../src/ingest/report";
import { ApiFatalError, type ApiTarget, apiOrigin, openApiTarget } from "./lib/api-target";
import { npmSwallowedOptions, parseArgs, type SeedArgs, USAGE, UsageError } from "./lib/args";
import {
  loadProjectConfig,
  localDatabaseExists,
  localDatabaseFile,
  localStateDir,
  openWriteTarget,
  type ProjectConfig,
  readMigrationFiles,
} from "./lib/database";
import { recordRun, type SeedFile, vouchedUnchanged } from "./lib/incremental";
import { type Manifest, manifestFile, openManifest, readManifest } from "./lib/manifest";
import { createParser, type FileOutcome, type PostFile } from "./lib/parse-files";
import { emptyReport, Progress, printHuman, type Report, timingLine } from "./lib/report";
import { walk } from "./lib/walk";

/** Files parsed per round: bounded memory, one hash query and a few batches per round. */
const CHUNK = 500;

interface Target {
  db: WriteTarget | null;
  /** false when the target has no posts table yet (a dry run against a fresh database). */
  hasPosts: boolean;
  close(): Promise<void>;
}

/** Opens the target and brings (or, for a dry run, checks) its migrations; throws before writing when it can't be written. */
async function openTarget(args: SeedArgs, project: ProjectConfig, log: (s: string) => void): Promise<Target> {
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
  const database = await openWriteTarget(project, args.target === "remote" ? "remote" : "local", args.persistTo);
  try {
    const how = args.target === "remote" ? "require" : args.dryRun ? "inspect" : "apply";
    const several = project.databases.length > 1;
    let results: Awaited<ReturnType<typeof ensureArchiveMigrations>>;
    try {
      results = await ensureArchiveMigrations(database.target, migrations, how);
    } catch (err) {
      // The fix names the database and the environment it is bound in.
      if (err instanceof PendingMigrationsError && project.env) {
        throw new PendingMigrationsError(err.pending, err.database, project.env);
      }
      throw err;
    }
    for (const { database: name, applied, pending } of results) {
      const of = several ? ` to ${name}` : "";
      if (applied.length) log(`applied local migrations${of}: ${applied.join(", ")}`);
      if (pending.length) log(`dry run: would apply local migrations${of} ${pending.join(", ")}`);
    }
    const hasPosts = await hasPostsTable(database.target);
    if (hasPosts && !args.dryRun) await refreshSearch(database.target, args.reindex, several, log);
    return { db: database.target, hasPosts, close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/**
 * Rebuilds the search index of each database whose index another version of the code built (or
 * none: migration 0008 on a database that had posts), or of every one with `--reindex` (a restore).
 */
async function refreshSearch(t: WriteTarget, all: boolean, several: boolean, log: (s: string) => void): Promise<void> {
  for (const s of t.shards) {
    if (!all && (await searchIsCurrent(s.db))) continue;
    const of = several ? ` of ${s.name}` : "";
    const t0 = performance.now();
    log(`rebuilding the search index${of} from its posts${all ? " (--reindex)" : ": it was built by other code, or never"}…`);
    const n = await rebuildSearch(s.db);
    log(`rebuilt the search index${of}: ${n} post${n === 1 ? "" : "s"} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

interface Run {
  args: SeedArgs;
  project: ProjectConfig;
  report: Report;
  /** Files to read, in walk order. */
  files: SeedFile[];
  claimants: (f: SeedFile) => string[];
  /** null for dry runs: nothing is recorded. */
  manifest: Manifest | null;
  log: (s: string) => void;
  timing: { parse: number; database: number };
}

/** Parses on threads and writes through the executor, chunk by chunk (local and remote D1). */
async function viaDatabase(run: Run, target: Target): Promise<void> {
  const { args, project, report, files, manifest, timing } = run;
  const byFile = new Map(files.map((f) => [f.file, f]));
  const parser = createParser(
    { timeZone: project.site.timeZone, siteHost: new URL(project.site.siteUrl).host, site: project.site },
    files.length,
  );
  const progress = new Progress(files.length);
  /** Starts parsing a chunk (files claimed by one slug twice are refused here, unread). */
  const parseChunk = (chunk: SeedFile[]) => {
    const refused: FileOutcome[] = [];
    const todo: PostFile[] = [];
    for (const f of chunk) {
      const claimants = run.claimants(f);
      if (claimants.length > 1) refused.push({ file: f.file, ok: false, warnings: [], reason: claimedTwice(f.slug, claimants) });
      else todo.push(f);
    }
    return parser.parse(todo).then((outcomes) => [...refused, ...outcomes]);
  };

  const store = async (outcomes: FileOutcome[]): Promise<void> => {
    const parsed: StoredPost[] = [];
    const fileOf = new Map<string, string>();
    const refused: SeedFile[] = [];
    const reject = (file: string, reason: string) => {
      report.rejected.push({ file, reason });
      const f = byFile.get(file);
      if (f) refused.push(f);
    };
    for (const o of outcomes) {
      report.scanned++;
      for (const message of o.warnings) report.warnings.push({ file: o.file, message });
      if (!o.ok) {
        reject(o.file, o.reason);
        continue;
      }
      parsed.push(o.post);
      fileOf.set(o.post.slug, o.file);
    }
    const conflict = (c: Conflict) => reject(fileOf.get(c.slug) ?? c.slug, conflictReason(c));
    const t0 = performance.now();
    let outcome: Map<string, Outcome>;
    if (!target.db || !target.hasPosts) {
      outcome = new Map(parsed.map((p) => [p.slug, "inserted" as const]));
    } else if (args.dryRun) {
      outcome = await planArchive(target.db, parsed, conflict);
    } else {
      outcome = await syncArchive(target.db, parsed, Date.now(), {
        onFull: (slug, reason) => reject(fileOf.get(slug) ?? slug, reason),
        onError: (slug, err) =>
          reject(
            fileOf.get(slug) ?? slug,
            searchKeyFull(err) ?? `database write failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        onConflict: conflict,
        refreshEntries: (posts, at) => fragmentsToStore(project.site, posts, at),
      });
    }
    for (const o of outcome.values()) report[o]++;
    if (manifest && !args.dryRun) {
      const done = parsed.flatMap((p) => {
        const f = outcome.has(p.slug) ? byFile.get(fileOf.get(p.slug) ?? "") : undefined;
        return f ? [{ file: f, hash: p.hash }] : [];
      });
      recordRun(manifest, done, refused);
    }
    timing.database += performance.now() - t0;
  };

  try {
    // The next chunks are parsing (on other threads, or between the database's awaits) while this one
    // is written; two in flight keep the parse threads busy through the main thread's pauses.
    const inFlight: Promise<FileOutcome[]>[] = [];
    let dispatched = 0;
    const dispatch = () => {
      if (dispatched >= files.length) return;
      const next = parseChunk(files.slice(dispatched, dispatched + CHUNK));
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
    if (target.db && !args.dryRun) await pruneArchive(target.db, Date.now());
  } finally {
    progress.done();
    await parser.close();
  }
}

/** Sends the files to the ingest API as they are; the server parses and writes them. */
async function viaApi(run: Run, api: ApiTarget): Promise<void> {
  const { args, report, files, manifest } = run;
  const send: SeedFile[] = [];
  for (const f of files) {
    const claimants = run.claimants(f);
    if (claimants.length > 1) {
      report.scanned++;
      report.rejected.push({ file: f.file, reason: claimedTwice(f.slug, claimants) });
    } else send.push(f);
  }
  const progress = new Progress(send.length);
  const t0 = performance.now();
  try {
    mergeReport(
      report,
      await api.publish(
        send.map((f) => ({ display: f.file, basename: f.basename })),
        { dryRun: args.dryRun, onProgress: (n) => progress.update(n) },
      ),
    );
  } finally {
    progress.done();
  }
  run.timing.database += performance.now() - t0;
  if (!manifest || args.dryRun) return;
  const rejected = new Set(report.rejected.map((r) => r.file));
  const ok = send.filter((f) => !rejected.has(f.file));
  const stored = await api.hashes(ok.map((f) => f.slug));
  recordRun(
    manifest,
    ok.flatMap((f) => (stored[f.slug] ? [{ file: f, hash: stored[f.slug] as string }] : [])),
    send.filter((f) => rejected.has(f.file)),
  );
}

async function seed(args: SeedArgs, log: (s: string) => void): Promise<Report> {
  const started = Date.now();
  const project = await loadProjectConfig(args.config, args.env);
  let api: ApiTarget | null = null;
  if (args.target === "api") {
    const token = process.env.FINEWS_INGEST_TOKEN;
    if (!token) throw new UsageError("--api needs the ingest token in FINEWS_INGEST_TOKEN (the Worker's INGEST_TOKEN secret)");
    api = openApiTarget(apiOrigin(args.api ?? ""), token);
  }
  const found = walk(args.paths);
  if (found.missing.length) throw new UsageError(`no such file or folder: ${found.missing.join(", ")}`);
  const report = emptyReport();
  report.skipped.push(...found.skipped);
  const all: SeedFile[] = found.posts as SeedFile[];
  for (const f of all) f.slug = parseFilename(f.basename).slug;

  // Slugs come from filenames, so duplicates are known before anything is read or written.
  // (A slug's one file is kept as a string: a list is made only for the rare slug claimed twice.)
  const bySlug = new Map<string, string | string[]>();
  for (const f of all) {
    if (!f.slug) continue;
    const had = bySlug.get(f.slug);
    bySlug.set(f.slug, had === undefined ? f.file : typeof had === "string" ? [had, f.file] : [...had, f.file]);
  }
  const claimants = (f: SeedFile): string[] => {
    const c = bySlug.get(f.slug);
    return c === undefined ? [] : typeof c === "string" ? [c] : c;
  };

  const target = api ? null : await openTarget(args, project, log);
  const targetId = api
    ? `api:${api.origin}`
    : args.target === "remote"
      ? `remote:${project.databases.map((d) => d.id).join(",")}`
      : `local:${project.databases.map((d) => localDatabaseFile(project, args.persistTo, d)).join(",")}`;
  const manifestAt = manifestFile(
    args.target === "local" ? localStateDir(project, args.persistTo) : join(dirname(project.configPath), ".wrangler"),
    targetId,
  );
  const identity = [targetId, `parser ${PARSER_VERSION}`, project.site.siteUrl, project.site.timeZone, fragmentKey(project.site)];
  const manifest = (args.dryRun ? readManifest : openManifest)(manifestAt, identity.join("\n"));
  const timing = { parse: 0, database: 0 };
  let vouched = 0;
  const stateOf = async (): Promise<string | null> => {
    if (api) return api.state();
    const db = target?.db;
    if (!db) return null;
    return archiveState(db);
  };
  try {
    let files = all;
    const db = target?.db;
    if (!args.full && (api || (db && target?.hasPosts))) {
      const hashes = api
        ? async (slugs: string[]) => new Map(Object.entries(await api.hashes(slugs)))
        : (slugs: string[]) => storedHashes(db as WriteTarget, slugs);
      const unchanged = await vouchedUnchanged(
        manifest,
        all.filter((f) => typeof bySlug.get(f.slug) !== "object"),
        hashes,
        await stateOf(),
      );
      vouched = unchanged.size;
      report.scanned += vouched;
      report.unchanged += vouched;
      files = all.filter((f) => !unchanged.has(f.file));
    }
    const run: Run = { args, project, report, files, claimants, manifest: args.dryRun ? null : manifest, log, timing };
    if (api) await viaApi(run, api);
    else await viaDatabase(run, target as Target);
    // What the target looks like after this run: the next run trusts the manifest while it still does.
    if (!args.dryRun && (api || target?.hasPosts)) manifest.setTargetState(await stateOf());
  } finally {
    manifest.close();
    await target?.close();
  }
  const order = new Map(all.map((f, i) => [f.file, i]));
  const byFile = (a: { file: string }, b: { file: string }) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1);
  report.rejected.sort(byFile);
  report.warnings.sort(byFile);
  const times = {
    seconds: (Date.now() - started) / 1000,
    parseSeconds: timing.parse / 1000,
    databaseSeconds: timing.database / 1000,
  };
  if (args.json) log(timingLine(report, times));
  else
    printHuman(report, {
      dryRun: args.dryRun,
      target: api ? `the ingest API at ${api.origin}` : `${args.target} D1`,
      vouched,
      ...times,
    });
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
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof PendingMigrationsError ||
      err instanceof ApiFatalError
    ) {
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
