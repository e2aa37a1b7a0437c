/**
 * @module scripts/bench/lib/devserver
 * A real `wrangler dev` over a given local D1, started in its own process
 * group so that its workerd processes can be found (for their CPU time) and
 * stopped together. test/support/dev-server does the same for tests but hides
 * the process; the benchmarks need its pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { bin, ROOT } from "./env";
import { killGroup, ticksOf, tree } from "./proc";

export interface DevServer {
  url: string;
  /** workerd processes under this wrangler dev (the proxy and the runtime). */
  workerdPids(): number[];
  /** CPU ticks of those processes and of wrangler's own Node process. */
  ticks(): { workerd: number; node: number };
  stop(): Promise<void>;
}

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

/** Drops the edge-cache entries of earlier runs, so every run starts from the same empty cache. */
export function clearEdgeCache(persistDir: string): void {
  rmSync(join(persistDir, "v3", "cache"), { recursive: true, force: true });
}

export async function startDevServer(persistDir: string, timeoutMs = 90_000): Promise<DevServer> {
  const port = await freePort();
  const inspector = await freePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)];
  args.push("--persist-to", persistDir, "--log-level", "error", "--show-interactive-dev-session=false");
  let output = "";
  const child: ChildProcess = spawn(bin("wrangler"), args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr?.on("data", (d) => (output = (output + d).slice(-20_000)));
  const pid = child.pid as number;
  const url = `http://127.0.0.1:${port}`;
  const procs = () => tree(pid);
  const server: DevServer = {
    url,
    workerdPids: () =>
      procs()
        .filter((p) => p.comm === "workerd")
        .map((p) => p.pid),
    ticks: () => {
      const all = procs();
      return {
        workerd: ticksOf(all.filter((p) => p.comm === "workerd").map((p) => p.pid)),
        node: ticksOf(all.filter((p) => p.comm !== "workerd").map((p) => p.pid)),
      };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      killGroup(pid, "SIGTERM");
      const t = setTimeout(() => killGroup(pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      // workerd may outlive wrangler for a moment; nothing of this group may keep the database open.
      killGroup(pid, "SIGKILL");
    },
  };
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok && server.workerdPids().length) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${output}`);
}
