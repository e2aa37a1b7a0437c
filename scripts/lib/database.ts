/**
 * @module scripts/lib/database
 * Where the seed writes: the site config and D1 binding from wrangler.toml,
 * the local D1 file `wrangler dev` uses, or the remote database through
 * getPlatformProxy. Local and remote share everything but this executor.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError, readConfig, type SiteConfig } from "../../src/config";
import type { MigrationFile } from "../../src/db/migrations";
import { shardsOf } from "../../src/db/archive";
import type { WriteTarget } from "../../src/db/archive-sync";
import { type D1DatabaseLike, d1Executor, type Executor } from "../../src/db/sync";
import { loadWrangler } from "./cloudflare";
import { localD1File, openLocalD1 } from "./local-d1";
import { readWranglerConfig } from "./wrangler-config";

export interface DatabaseEntry {
  binding: string;
  name: string;
  id: string;
  /** The name Miniflare keys the local copy by: preview_database_id, else database_id, else the binding (as wrangler dev does). */
  localKey: string;
  migrationsDir: string;
}

export interface ProjectConfig {
  site: SiteConfig;
  configPath: string;
  /** The wrangler environment read (`--env`), or null for the top level. */
  env: string | null;
  /** The primary database (binding DB). */
  database: DatabaseEntry;
  /** Every database of the archive, in ARCHIVE order (oldest first); just `database` by default. */
  databases: DatabaseEntry[];
  compatibilityDate: string;
}

/** Reads and validates the wrangler configuration; throws ConfigError naming the bad setting. */
export async function loadProjectConfig(configPath: string, env: string | null = null): Promise<ProjectConfig> {
  const abs = resolve(configPath);
  const cfg = readWranglerConfig(configPath, env);
  const where = env ? `${configPath} [env.${env}]` : configPath;
  const site = readConfig(cfg.vars ?? {});
  const entry = (binding: string): DatabaseEntry => {
    const db = cfg.d1_databases?.find((d) => d.binding === binding);
    if (!db) {
      throw new ConfigError(
        "d1_databases",
        binding === "DB"
          ? `${where} has no D1 binding named DB`
          : `${where}: ARCHIVE names ${binding}, but no D1 database is bound as ${binding}`,
      );
    }
    return {
      binding: db.binding,
      name: db.database_name ?? "",
      id: db.database_id ?? "",
      localKey: db.preview_database_id ?? db.database_id ?? db.binding,
      migrationsDir: resolve(dirname(abs), db.migrations_dir ?? "migrations"),
    };
  };
  return {
    site,
    configPath: abs,
    env,
    database: entry("DB"),
    databases: site.archive.map((p) => entry(p.binding)),
    compatibilityDate: cfg.compatibility_date ?? "2026-11-01",
  };
}

export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

/** The ids wrangler.toml ships with (all zeros, or zeros and a year in the sharded example). */
const PLACEHOLDER_ID = /^0{8}-0{4}-0{4}-0{4}-\d{12}$/;

/** The wrangler config the remote executor runs with: the same databases, marked remote. */
export function remoteWranglerConfig(project: ProjectConfig): Record<string, unknown> {
  for (const db of project.databases) {
    if (!db.id || PLACEHOLDER_ID.test(db.id)) {
      const named = project.databases.length > 1 ? ` for ${db.binding}` : "";
      throw new ConfigError(
        "d1_databases.database_id",
        `${project.configPath} has ${db.id ? `the placeholder database_id ${db.id}` : "no database_id"}${named}, so --remote has no database to write; ` +
          `run 'npx wrangler d1 create ${db.name || "finews"}' and put the id it prints there. Nothing was written.`,
      );
    }
  }
  return {
    name: "finews-seed",
    compatibility_date: project.compatibilityDate,
    d1_databases: project.databases.map((db) => ({
      binding: db.binding,
      database_name: db.name,
      database_id: db.id,
      migrations_dir: db.migrationsDir,
      remote: true,
    })),
  };
}

/**
 * The folder wrangler keeps local state in: `--persist-to DIR` as given (relative to the working
 * directory, as wrangler resolves it), else `.wrangler/state` next to the config file, which is
 * where `wrangler dev --config PATH` looks. Miniflare's files live under its `v3/` subfolder.
 */
export function localStateDir(project: ProjectConfig, persistTo: string | null): string {
  return persistTo ? resolve(persistTo) : join(dirname(project.configPath), ".wrangler", "state");
}

/** The SQLite file of a local D1 (see scripts/lib/local-d1): the primary unless `db` is given. */
export function localDatabaseFile(project: ProjectConfig, persistTo: string | null, db = project.database): string {
  return localD1File(join(localStateDir(project, persistTo), "v3"), db.localKey);
}

/** Whether the local D1s have ever been created there (a dry run must not create one just to look). */
export function localDatabaseExists(project: ProjectConfig, persistTo: string | null): boolean {
  return project.databases.every((db) => existsSync(localDatabaseFile(project, persistTo, db)));
}

export interface OpenDatabase {
  /** The primary database (binding DB). */
  db: Executor;
  /** Every database opened, by binding. */
  byBinding?: Record<string, Executor>;
  close(): Promise<void>;
}

/**
 * A D1 binding from wrangler's getPlatformProxy, wrapped in d1Executor: the remote executor
 * (`remote: true`), and, over a local binding, the way tests check that same code offline.
 */
export async function openProxyDatabase(
  configPath: string,
  opts: { remote: boolean; persistRoot?: string },
): Promise<OpenDatabase> {
  const { getPlatformProxy } = loadWrangler();
  const proxy = await getPlatformProxy<Record<string, D1DatabaseLike>>({
    configPath,
    remoteBindings: opts.remote,
    persist: opts.persistRoot ? { path: opts.persistRoot } : false,
    envFiles: [],
  });
  const byBinding = Object.fromEntries(
    Object.entries(proxy.env)
      .filter(([, v]) => typeof (v as { prepare?: unknown })?.prepare === "function")
      .map(([k, v]) => [k, d1Executor(v)]),
  );
  return { db: byBinding.DB ?? d1Executor(proxy.env.DB as D1DatabaseLike), byBinding, close: () => proxy.dispose() };
}

/**
 * Opens the target. Local: the file `wrangler dev` uses (see localStateDir), through
 * scripts/lib/local-d1. Remote: the database in wrangler.toml through getPlatformProxy's
 * remote binding, with wrangler's credentials (CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID,
 * or `wrangler login`). Everything after this (migrations check, hashing, batches) is shared.
 */
export async function openDatabase(
  project: ProjectConfig,
  target: "local" | "remote",
  persistTo: string | null,
): Promise<OpenDatabase> {
  if (target === "local") {
    const opened = project.databases.map((db) => [db.binding, openLocalD1(localDatabaseFile(project, persistTo, db))] as const);
    const byBinding = Object.fromEntries(opened.map(([b, o]) => [b, o.db]));
    return {
      db: byBinding.DB as Executor,
      byBinding,
      close: async () => {
        for (const [, o] of opened) await o.close();
      },
    };
  }
  const config = remoteWranglerConfig(project);
  const dir = join(dirname(project.configPath), ".wrangler", "tmp");
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, "seed-remote.wrangler.json");
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  try {
    return await openProxyDatabase(configPath, { remote: true });
  } catch (err) {
    throw new ConfigError(
      "remote D1",
      `cannot reach database ${project.database.name} (${project.database.id}): ${(err instanceof Error ? err.message : String(err)).replace(/[.\s]+$/, "")}. ` +
        `The remote seed needs Cloudflare credentials: ${REMOTE_CREDENTIALS}.`,
    );
  }
}

/** Every database of the archive as one write target (src/db/archive-sync), opened as openDatabase does. */
export async function openWriteTarget(
  project: ProjectConfig,
  target: "local" | "remote",
  persistTo: string | null,
): Promise<{ target: WriteTarget; close(): Promise<void> }> {
  const opened = await openDatabase(project, target, persistTo);
  const byBinding = opened.byBinding ?? { DB: opened.db };
  return {
    target: {
      shards: shardsOf(project.site.archive, project.site.timeZone, (b) => byBinding[b] as Executor),
      timeZone: project.site.timeZone,
      maxBytes: project.site.archiveMaxBytes,
    },
    close: () => opened.close(),
  };
}

export const REMOTE_CREDENTIALS =
  "CLOUDFLARE_API_TOKEN (a token allowed to edit D1) and CLOUDFLARE_ACCOUNT_ID in the environment, or a prior 'npx wrangler login'";
