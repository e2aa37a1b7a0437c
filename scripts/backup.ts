/**
 * @module scripts/backup
 * `npm run backup -- [--remote] [--config PATH] [--env NAME] --output DIR`
 * Exports every database of the archive, table by table, as data-only SQL
 * (`DIR/<binding>.sql`) with wrangler's own `d1 export`: a database that
 * holds the search index cannot be exported whole (wrangler refuses FTS5
 * virtual tables), and the index is rebuilt from the posts on restore.
 * Restoring is three commands (README "Backups"): apply the migrations to an
 * empty database, load the file, `npm run seed -- --reindex`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../src/config";
import { BACKUP_TABLES } from "../src/db/schema";
import { loadProjectConfig } from "./lib/database";

const root = join(import.meta.dirname, "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const say = (s: string) => process.stderr.write(`backup: ${s}\n`);
const USAGE = "usage: npm run backup -- [--remote] [--config PATH] [--env NAME] --output DIR";

function parse(argv: string[]) {
  const o = { remote: false, config: join(root, "wrangler.toml"), env: null as string | null, output: "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const eq = a.indexOf("=");
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (!v || v.startsWith("--")) throw new Error(`${a.split("=")[0]} needs a value`);
      return v;
    };
    if (a === "--remote") o.remote = true;
    else if (a === "--local") o.remote = false;
    else if (a.startsWith("--config")) o.config = resolve(value());
    else if (a.startsWith("--env")) o.env = value();
    else if (a.startsWith("--output")) o.output = resolve(value());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.output) throw new Error("--output DIR is required");
  return o;
}

let opts: ReturnType<typeof parse>;
let bindings: { binding: string }[];
try {
  opts = parse(process.argv.slice(2));
  bindings = (await loadProjectConfig(opts.config, opts.env)).databases;
} catch (err) {
  say(`${err instanceof ConfigError ? err.message : (err as Error).message}\n${USAGE}`);
  process.exit(2);
}
mkdirSync(opts.output, { recursive: true });
for (const { binding } of bindings) {
  const file = join(opts.output, `${binding}.sql`);
  const args = [
    "d1",
    "export",
    binding,
    opts.remote ? "--remote" : "--local",
    "--config",
    opts.config,
    ...(opts.env ? ["--env", opts.env] : []),
    "--no-schema",
    ...BACKUP_TABLES.flatMap((t) => ["--table", t]),
    "--output",
    file,
  ];
  // wrangler finds local state beside the config, as `wrangler dev` and the seed do.
  const r = spawnSync(wrangler, args, { cwd: dirname(opts.config), stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    say(`export of ${binding} failed (wrangler exited ${r.status}); files written so far are in ${opts.output}`);
    process.exit(r.status ?? 1);
  }
  say(`${binding}: ${BACKUP_TABLES.join(", ")} → ${file}`);
}
say(
  `done: ${bindings.length} database${bindings.length > 1 ? "s" : ""}. To restore one: apply the migrations to an empty database, ` +
    "`wrangler d1 execute <binding> --file <binding>.sql`, then `npm run seed -- --reindex` (README, Backups).",
);
