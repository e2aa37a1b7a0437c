/**
 * @module scripts/deploy
 * `npm run deploy [-- --env NAME]`: applies the migrations to every database
 * of the archive (wrangler.toml's ARCHIVE; `--env archive`: four), each with
 * wrangler's own command, then deploys the Worker. Stops at the first
 * failure, naming the database, before the code that needs it goes live.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError } from "../src/config";
import { loadProjectConfig } from "./lib/database";

const root = join(import.meta.dirname, "..");
const say = (s: string) => process.stderr.write(`deploy: ${s}\n`);
const wrangler = join(root, "node_modules", ".bin", "wrangler");

const argv = process.argv.slice(2);
const at = argv.findIndex((a) => a === "--env" || a.startsWith("--env="));
const env = at < 0 ? null : argv[at]?.includes("=") ? (argv[at]?.split("=")[1] ?? null) : (argv[at + 1] ?? null);
const envArgs = env ? ["--env", env] : [];

let bindings: string[];
try {
  bindings = (await loadProjectConfig(join(root, "wrangler.toml"), env)).databases.map((d) => d.binding);
} catch (err) {
  say(err instanceof ConfigError ? err.message : (err as Error).message);
  process.exit(2);
}

for (const binding of bindings) {
  say(`migrations for ${binding}`);
  const r = spawnSync(wrangler, ["d1", "migrations", "apply", binding, "--remote", ...envArgs], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    say(`migrations for ${binding} failed; nothing deployed (the Worker would read a schema it does not know)`);
    process.exit(r.status ?? 1);
  }
}
const r = spawnSync(wrangler, ["deploy", ...envArgs], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
