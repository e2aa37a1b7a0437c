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
import { type D1DatabaseLike, d1Executor, type Executor } from "../../src/db/sync";
import { loadWrangler } from "./cloudflare";
import { localD1File, openLocalD1 } from "./local-d1";
import { readWranglerConfig } from "./wrangler-config";

export interface ProjectConfig {
  site: SiteConfig;
  configPath: string;
  database: {
    binding: string;
    name: string;
    id: string;
    /** The name Miniflare keys the local copy by: preview_database_id, else database_id, else the binding (as wrangler dev does). */
    localKey: string;
    migrationsDir: string;
  };
  compatibilityDate: string;
}

/** Reads and validates the wrangler configuration; throws ConfigError naming the bad setting. */
export async function loadProjectConfig(configPath: string): Promise<ProjectConfig> {
  const abs = resolve(configPath);
  const cfg = readWranglerConfig(configPath);
  const db = cfg.d1_databases?.find((d) => d.binding === "DB");
  if (!db) throw new ConfigError("d1_databases", `${configPath} has no D1 binding named DB`);
  return {
    site: readConfig(cfg.vars ?? {}),
    configPath: abs,
    database: {
      binding: db.binding,
      name: db.database_name ?? "",
      id: db.database_id ?? "",
      localKey: db.preview_database_id ?? db.database_id ?? db.binding,
      migrationsDir: resolve(dirname(abs), db.migrations_dir ?? "migrations"),
    },
    compatibilityDate: cfg.compatibility_date ?? "2026-11-01",
  };
}

export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

const PLACEHOLDER_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

/** The wrangler config the remote executor runs with: the same database, marked remote. */
export function remoteWranglerConfig(project: ProjectConfig): Record<string, unknown> {
  if (!project.database.id || PLACEHOLDER_ID.test(project.database.id)) {
    throw new ConfigError(
      "d1_databases.database_id",
      `${project.configPath} has ${project.database.id ? `the placeholder database_id ${project.database.id}` : "no database_id"}, so --remote has no database to write; ` +
        `run 'npx wrangler d1 create ${project.database.name || "finews"}' and put the id it prints there. Nothing was written.`,
    );
  }
  return {
    name: "finews-seed",
    compatibility_date: project.compatibilityDate,
    d1_databases: [
      {
        binding: "DB",
        database_name: project.database.name,
        database_id: project.database.id,
        migrations_dir: project.database.migrationsDir,
        remote: true,
      },
    ],
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

/** The SQLite file of the local D1 (see scripts/lib/local-d1). */
export function localDatabaseFile(project: ProjectConfig, persistTo: string | null): string {
  return localD1File(join(localStateDir(project, persistTo), "v3"), project.database.localKey);
}

/** Whether the local D1 has ever been created there (a dry run must not create one just to look). */
export function localDatabaseExists(project: ProjectConfig, persistTo: string | null): boolean {
  return existsSync(localDatabaseFile(project, persistTo));
}

export interface OpenDatabase {
  db: Executor;
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
  const proxy = await getPlatformProxy<{ DB: D1DatabaseLike }>({
    configPath,
    remoteBindings: opts.remote,
    persist: opts.persistRoot ? { path: opts.persistRoot } : false,
    envFiles: [],
  });
  return { db: d1Executor(proxy.env.DB), close: () => proxy.dispose() };
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
  if (target === "local") return openLocalD1(localDatabaseFile(project, persistTo));
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

export const REMOTE_CREDENTIALS =
  "CLOUDFLARE_API_TOKEN (a token allowed to edit D1) and CLOUDFLARE_ACCOUNT_ID in the environment, or a prior 'npx wrangler login'";
