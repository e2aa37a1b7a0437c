/**
 * @module scripts/start
 * `npm start`: apply local migrations, seed the bundled example posts when the
 * local D1 has no posts yet, then serve on http://localhost:8787 with
 * `wrangler dev`. Each step is the same command a maintainer would type.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

function run(cmd: string, args: string[], capture = false): string {
  const r = spawnSync(cmd, args, { cwd: root, stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit", encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`start: '${[cmd, ...args].join(" ")}' failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
  return r.stdout ?? "";
}

run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"]);

const out = run(
  bin("wrangler"),
  ["d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n FROM posts"],
  true,
);
let count = 0;
try {
  count = Number(JSON.parse(out)[0]?.results?.[0]?.n ?? 0);
} catch {
  process.stderr.write(`start: could not read the post count from wrangler:\n${out}\n`);
  process.exit(1);
}

if (count === 0) {
  process.stderr.write("start: local D1 is empty; seeding examples/posts\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["run", "seed", "--", "--local", join(root, "examples/posts")], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
} else {
  process.stderr.write(`start: local D1 has ${count} posts; not seeding (run 'npm run seed -- PATH' to add more)\n`);
}

process.stderr.write("start: serving on http://localhost:8787\n");
const dev = spawnSync(bin("wrangler"), ["dev", "--port", "8787", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(dev.status ?? 0);
