/**
 * @module scripts/start
 * `npm start [-- --port N] [--persist-to DIR] [wrangler dev options…]`: bring the
 * local D1 to the current migrations, seed the bundled example posts when it
 * has no posts yet, then serve with `wrangler dev`. Never waits for input:
 * migrations are applied the way the seed applies them (the same
 * `d1_migrations` table wrangler keeps), not by wrangler's prompting command.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError } from "../src/config";
import { ensureMigrations } from "../src/db/migrations";
import { loadProjectConfig, localDatabaseFile, openDatabase, readMigrationFiles } from "./lib/database";

const root = join(import.meta.dirname, "..");
const say = (s: string) => process.stderr.write(`start: ${s}\n`);

/** `--port N` and `--persist-to DIR` (either spelling) are ours too; everything else goes to wrangler dev. */
function options(argv: string[]): { port: string; persistTo: string | null; rest: string[] } {
  let port = "8787";
  let persistTo: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--(port|persist-to)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      say(`${a} needs a value`);
      process.exit(2);
    }
    if (m[1] === "port") port = value;
    else persistTo = value;
  }
  return { port, persistTo, rest };
}

async function prepare(persistTo: string | null): Promise<number> {
  const project = await loadProjectConfig(join(root, "wrangler.toml"));
  const { db, close } = await openDatabase(project, "local", persistTo);
  try {
    const { applied } = await ensureMigrations(db, readMigrationFiles(project.database.migrationsDir), "apply");
    if (applied.length) say(`applied local migrations: ${applied.join(", ")} (${localDatabaseFile(project, persistTo)})`);
    const rows = await db.all<{ n: number }>({ sql: "SELECT count(*) AS n FROM posts", params: [] });
    return Number(rows[0]?.n ?? 0);
  } finally {
    await close();
  }
}

const { port, persistTo, rest } = options(process.argv.slice(2));
let count: number;
try {
  count = await prepare(persistTo);
} catch (err) {
  say(err instanceof ConfigError ? err.message : `could not prepare the local database: ${(err as Error).message}`);
  process.exit(2);
}

const persist = persistTo ? ["--persist-to", persistTo] : [];
if (count === 0) {
  say("the local database has no posts; seeding examples/posts");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["run", "seed", "--", "--local", ...persist, join(root, "examples/posts")], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
} else {
  say(`the local database has ${count} posts; not seeding (add more with 'npm run seed -- PATH')`);
}

say(`serving on http://localhost:${port}/ (links stay on this origin; Ctrl-C stops)`);
const dev = spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["dev", "--port", port, ...persist, ...rest], {
  cwd: root,
  stdio: "inherit",
});
process.exit(dev.status ?? 0);
