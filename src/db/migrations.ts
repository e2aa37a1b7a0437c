/**
 * @module db/migrations
 * Reads wrangler's `d1_migrations` bookkeeping so the seed script can tell
 * which migrations a database still lacks, and apply them the way wrangler
 * does (same table, same names) when the target is local.
 */
import type { Executor } from "./sync";
import type { Statement } from "./statements";

export interface MigrationFile {
  name: string;
  sql: string;
}

const TABLE =
  "CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)";

export async function appliedMigrations(db: Executor): Promise<Set<string>> {
  const exists = await db.all<{ n: number }>({
    sql: "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'",
    params: [],
  });
  if (!exists[0]?.n) return new Set();
  const rows = await db.all<{ name: string }>({ sql: "SELECT name FROM d1_migrations", params: [] });
  return new Set(rows.map((r) => r.name));
}

export async function pendingMigrations(db: Executor, files: MigrationFile[]): Promise<MigrationFile[]> {
  const done = await appliedMigrations(db);
  return files.filter((f) => !done.has(f.name));
}

/** Splits a migration into statements (drizzle's breakpoints, else top-level semicolons at line ends). */
export function splitSql(sql: string): string[] {
  const parts = sql.includes("--> statement-breakpoint") ? sql.split("--> statement-breakpoint") : sql.split(/;\s*$/m);
  return parts.map((s) => s.trim().replace(/;$/, "")).filter((s) => s && !/^(--[^\n]*\n?)+$/.test(s));
}

/** Applies each migration and records it in one batch, so a migration lands whole or not at all. */
export async function applyMigrations(db: Executor, files: MigrationFile[]): Promise<string[]> {
  await db.batch([{ sql: TABLE, params: [] }]);
  const applied: string[] = [];
  for (const f of files) {
    const stmts: Statement[] = splitSql(f.sql).map((sql) => ({ sql, params: [] }));
    stmts.push({ sql: "INSERT INTO d1_migrations (name) VALUES (?)", params: [f.name] });
    await db.batch(stmts);
    applied.push(f.name);
  }
  return applied;
}

/** Thrown when the target lacks migrations the seed may not apply itself (the remote database). */
export class PendingMigrationsError extends Error {
  readonly pending: string[];
  readonly database: string;
  constructor(pending: string[], database = "DB", env: string | null = null) {
    super(
      `the remote database${database === "DB" ? "" : ` ${database}`} lacks migration${pending.length > 1 ? "s" : ""} ${pending.join(", ")}; ` +
        `run 'npx wrangler d1 migrations apply ${database} --remote${env ? ` --env ${env}` : ""}' (or 'npm run deploy') first. Nothing was written.`,
    );
    this.name = "PendingMigrationsError";
    this.pending = pending;
    this.database = database;
  }
}

/**
 * Brings the target's migrations in line before any post is written: `apply` them (local),
 * `require` none to be pending (remote: applying schema changes is a deploy's job), or only
 * `inspect` (dry runs). Returns what was applied and what is still pending.
 */
export async function ensureMigrations(
  db: Executor,
  files: MigrationFile[],
  how: "apply" | "require" | "inspect",
): Promise<{ applied: string[]; pending: string[] }> {
  const pending = (await pendingMigrations(db, files)).map((f) => f.name);
  if (!pending.length || how === "inspect") return { applied: [], pending };
  if (how === "require") throw new PendingMigrationsError(pending);
  const applied = await applyMigrations(
    db,
    files.filter((f) => pending.includes(f.name)),
  );
  return { applied, pending: [] };
}
