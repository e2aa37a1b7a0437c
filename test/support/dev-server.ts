/**
 * @module test/support/dev-server
 * A real `wrangler dev` on a free loopback port, over a local D1 filled by
 * the real seed script (scripts/lib/wrangler-dev runs it): for tests that
 * need real clients (browsers, feed readers, Jekyll comparisons).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../../scripts/lib/report";
import { readWranglerConfig } from "../../scripts/lib/wrangler-config";
import { startWranglerDev, type WranglerDev } from "../../scripts/lib/wrangler-dev";
import { ROOT } from "./fixtures";

export interface DevServer {
  url: string;
  persistDir: string;
  stop(): Promise<void>;
}

export interface SeedRun {
  status: number;
  report: Report | null;
  stdout: string;
  stderr: string;
}

/** The argv of `npm run seed -- ARGS` without npm (under the current Node, which is >= 22.18). */
export const seedArgv = (args: string[]) => [
  "--max-semi-space-size=8",
  "--import",
  join(ROOT, "scripts/ts-hooks.mjs"),
  join(ROOT, "scripts/seed.ts"),
  ...args,
];

/** Runs `scripts/seed.ts` exactly as `npm run seed` does. */
export function runSeed(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): SeedRun {
  const r = spawnSync(process.execPath, seedArgv(args), {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  let report: SeedRun["report"] = null;
  if (args.includes("--json")) {
    try {
      report = JSON.parse(r.stdout);
    } catch {
      report = null;
    }
  }
  return { status: r.status ?? -1, report, stdout: r.stdout, stderr: r.stderr };
}

export interface StartOptions {
  /** Folders or files to seed before starting (skipped when empty). */
  seed?: string[];
  /** Extra Worker vars (`--var NAME:VALUE`). */
  vars?: Record<string, string>;
  /** Reuse a persist dir that is already seeded. */
  persistDir?: string;
  /** More `wrangler dev` arguments (e.g. `--test-scheduled`). */
  args?: string[];
  /** Links on the loopback origin, as `npm start` serves them (default: SITE_URL's, as deployed). */
  localLinks?: boolean;
  /** A wrangler environment (`--env NAME`) for both the seed and wrangler dev. */
  env?: string;
}

export async function startDevServer(opts: StartOptions = {}): Promise<DevServer> {
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), "finews-dev-"));
  const envArgs = opts.env ? ["--env", opts.env] : [];
  if (opts.seed?.length) {
    const r = runSeed([...envArgs, "--persist-to", persistDir, "--json", ...opts.seed]);
    if (r.status === 2 || !r.report) throw new Error(`seed failed (${r.status}):\n${r.stderr}`);
  }
  const args: string[] = [...envArgs, ...(opts.args ?? [])];
  if (!opts.localLinks) {
    // As deployed: the Worker sees SITE_URL's host, so links, ids and redirects are production's
    // (what the Jekyll comparisons and feed readers check), not the loopback origin's.
    const site = new URL(String(readWranglerConfig(join(ROOT, "wrangler.toml")).vars?.SITE_URL));
    args.push("--local-upstream", site.host, "--upstream-protocol", site.protocol.slice(0, -1));
  }
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
  const removeDir = () => {
    if (!opts.persistDir) rmSync(persistDir, { recursive: true, force: true });
  };
  let dev: WranglerDev;
  try {
    dev = await startWranglerDev({ root: ROOT, persistDir, args, timeoutMs: 60_000 });
  } catch (err) {
    removeDir();
    throw err;
  }
  const stop = async () => {
    await dev.stop();
    removeDir();
  };
  return { url: dev.url, persistDir, stop };
}
