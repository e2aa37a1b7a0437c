#!/usr/bin/env node
/**
 * @module with-node
 * Runs a command under Node >= 22.18 (wrangler 4 and vitest need 22.12; the seed
 * runs its TypeScript with Node's own type stripping and node:sqlite, 22.18).
 *
 * Uses the current Node when it is new enough; otherwise installs Node 24 once
 * from the npm registry (the platform's `node-<os>-<arch>` package ships the
 * binary) into the git-ignored `.node/` folder and puts it first on PATH, so
 * every `#!/usr/bin/env node` tool the command starts runs on it too.
 * Written for old Nodes: plain ESM, no dependencies.
 *
 * Usage: node scripts/with-node.mjs <command> [args...]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MIN = [22, 18];
const WANT_MAJOR = "24";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newEnough(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

function ensureNodeBin() {
  if (newEnough(process.version)) return dirname(process.execPath);
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(root, ".node");
  const bin = join(prefix, "node_modules", pkg, "bin");
  if (existsSync(join(bin, "node"))) return bin;
  process.stderr.write(
    `[with-node] Node ${process.version} is older than ${MIN.join(".")}; installing ${pkg}@${WANT_MAJOR} into .node/ (once)\n`,
  );
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, "package.json"), '{"name":"node-runtime","private":true}\n');
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--no-save", "--no-package-lock", `${pkg}@${WANT_MAJOR}`], {
    cwd: prefix,
    stdio: ["ignore", 2, 2],
  });
  if (r.status !== 0 || !existsSync(join(bin, "node"))) {
    process.stderr.write(
      `[with-node] could not install ${pkg}@${WANT_MAJOR} from the npm registry; install Node >= ${MIN.join(".")} (see .nvmrc) and retry\n`,
    );
    process.exit(1);
  }
  return bin;
}

const [cmd, ...args] = process.argv.slice(2);
const bin = ensureNodeBin();
if (!cmd) {
  process.stdout.write(`${join(bin, "node")}\n`);
  process.exit(0);
}
const env = {
  ...process.env,
  PATH: [bin, join(root, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
};
const r = spawnSync(cmd, args, { stdio: "inherit", env, shell: process.platform === "win32" });
if (r.error) {
  process.stderr.write(`[with-node] cannot run ${cmd}: ${r.error.message}\n`);
  process.exit(127);
}
process.exit(r.status ?? 1);
