/**
 * @module scripts/start
 * `npm start [-- --port N] [--persist-to DIR] [--env NAME] [wrangler dev options…]`: bring
 * every local D1 of the setup (`--env archive`: four) to the current migrations, seed the bundled example posts when it
 * has no posts yet, then serve with `wrangler dev`. Never waits for input:
 * migrations are applied the way the seed applies them (the same
 * `d1_migrations` table wrangler keeps), not by wrangler's prompting command.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError } from "../src/config";
import { ensureArchiveMigrations } from "../src/db/archive-sync";
import { loadProjectConfig, openWriteTarget, readMigrationFiles } from "./lib/database";

const root = join(import.meta.dirname, "..");
const say = (s: string) => process.stderr.write(`start: ${s}\n`);

/** `--port N`, `--persist-to DIR` and `--env NAME` (either spelling) are ours too; everything else goes to wrangler dev. */
function options(argv: string[]): { port: string; persistTo: string | null; env: string | null; rest: string[] } {
  let port = "8787";
  let persistTo: string | null = null;
  let env: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--(port|persist-to|env)(?:=(.*))?$/.exec(a);
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
    else if (m[1] === "env") env = value;
    else persistTo = value;
  }
  return { port, persistTo, env, rest };
}

async function prepare(persistTo: string | null, env: string | null): Promise<number> {
  const project = await loadProjectConfig(join(root, "wrangler.toml"), env);
  const { target, close } = await openWriteTarget(project, "local", persistTo);
  try {
    const done = await ensureArchiveMigrations(target, readMigrationFiles(project.database.migrationsDir), "apply");
    for (const { database, applied } of done) {
      if (applied.length) say(`applied local migrations to ${database}: ${applied.join(", ")}`);
    }
    let n = 0;
    for (const s of target.shards)
      n += Number((await s.db.all<{ n: number }>({ sql: "SELECT count(*) AS n FROM posts", params: [] }))[0]?.n ?? 0);
    return n;
  } finally {
    await close();
  }
}

const { port, persistTo, env, rest } = options(process.argv.slice(2));
let count: number;
try {
  count = await prepare(persistTo, env);
} catch (err) {
  say(err instanceof ConfigError ? err.message : `could not prepare the local database: ${(err as Error).message}`);
  process.exit(2);
}

const persist = [...(persistTo ? ["--persist-to", persistTo] : []), ...(env ? ["--env", env] : [])];
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
