/**
 * @module test/support/dev-server
 * A real `wrangler dev` on a free loopback port, over a local D1 filled by
 * the real seed script: for tests that need real clients (browsers, feed
 * readers, Jekyll comparisons) and for benchmarks.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../../scripts/lib/report";
import { ROOT } from "./fixtures";

export interface DevServer {
  url: string;
  persistDir: string;
  stop(): Promise<void>;
}

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
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
export function runSeed(args: string[], opts: { cwd?: string } = {}): SeedRun {
  const r = spawnSync(process.execPath, seedArgv(args), {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
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

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}

export interface StartOptions {
  /** Folders or files to seed before starting (skipped when empty). */
  seed?: string[];
  /** Extra Worker vars (`--var NAME:VALUE`). */
  vars?: Record<string, string>;
  /** Reuse a persist dir that is already seeded. */
  persistDir?: string;
}

export async function startDevServer(opts: StartOptions = {}): Promise<DevServer> {
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), "finews-dev-"));
  if (opts.seed?.length) {
    const r = runSeed(["--persist-to", persistDir, "--json", ...opts.seed]);
    if (r.status === 2 || !r.report) throw new Error(`seed failed (${r.status}):\n${r.stderr}`);
  }
  const port = await freePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistDir, "--log-level", "warn"];
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
  let output = "";
  const child = spawn(bin("wrangler"), args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-(child.pid as number), "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await new Promise((r) => {
        const t = setTimeout(() => {
          try {
            process.kill(-(child.pid as number), "SIGKILL");
          } catch {}
          r(null);
        }, 5000);
        child.once("exit", () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    if (!opts.persistDir) rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/healthz`, child, 60_000, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, persistDir, stop };
}
