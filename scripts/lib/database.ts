/**
 * @module scripts/lib/database
 * Where the seed writes: the site config and D1 binding from wrangler.toml,
 * a D1 binding from wrangler's getPlatformProxy (local files, or the remote
 * database), and the migration check. Local and remote share everything but
 * the binding itself.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError, readConfig, type SiteConfig } from "../../src/config";
import type { MigrationFile } from "../../src/db/migrations";
import { type D1DatabaseLike, d1Executor, type Executor } from "../../src/db/sync";

export interface ProjectConfig {
  site: SiteConfig;
  configPath: string;
  database: { binding: string; name: string; id: string; migrationsDir: string };
  compatibilityDate: string;
}

/** Reads and validates wrangler.toml; throws ConfigError naming the bad setting. */
export async function loadProjectConfig(configPath: string): Promise<ProjectConfig> {
  const { unstable_readConfig } = await import("wrangler");
  const abs = resolve(configPath);
  let cfg: ReturnType<typeof unstable_readConfig>;
  try {
    cfg = unstable_readConfig({ config: abs }, { hideWarnings: true });
  } catch (err) {
    throw new ConfigError(configPath, err instanceof Error ? err.message : String(err));
  }
  const dbs = cfg.d1_databases as { binding: string; database_name?: string; database_id?: string; migrations_dir?: string }[];
  const db = dbs.find((d) => d.binding === "DB");
  if (!db) throw new ConfigError("d1_databases", `${configPath} has no D1 binding named DB`);
  return {
    site: readConfig(cfg.vars as Record<string, unknown>),
    configPath: abs,
    database: {
      binding: db.binding,
      name: db.database_name ?? "",
      id: db.database_id ?? "",
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
      `${project.configPath} still has the placeholder database id; run 'npx wrangler d1 create ${project.database.name || "finews"}' and put its id there`,
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

export interface OpenDatabase {
  db: Executor;
  close(): Promise<void>;
}

/**
 * Opens the D1 binding. Local: the files `wrangler dev` uses (`.wrangler/state`, or `--persist-to DIR`,
 * which wrangler keeps under DIR/v3). Remote: the database in wrangler.toml, with wrangler's credentials
 * (CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID, or `wrangler login`).
 */
export async function openDatabase(
  project: ProjectConfig,
  target: "local" | "remote",
  persistTo: string | null,
): Promise<OpenDatabase> {
  const { getPlatformProxy } = await import("wrangler");
  let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ DB: D1DatabaseLike }>>>;
  if (target === "local") {
    proxy = await getPlatformProxy<{ DB: D1DatabaseLike }>({
      configPath: project.configPath,
      persist: persistTo ? { path: join(resolve(persistTo), "v3") } : true,
      remoteBindings: false,
      envFiles: [],
    });
  } else {
    const dir = join(dirname(project.configPath), ".wrangler", "tmp");
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, "seed-remote.wrangler.json");
    writeFileSync(configPath, JSON.stringify(remoteWranglerConfig(project), null, 2));
    proxy = await getPlatformProxy<{ DB: D1DatabaseLike }>({ configPath, remoteBindings: true, persist: false, envFiles: [] });
  }
  return { db: d1Executor(proxy.env.DB), close: () => proxy.dispose() };
}
