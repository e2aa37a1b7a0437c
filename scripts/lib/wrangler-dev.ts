/**
 * @module scripts/lib/wrangler-dev
 * A real `wrangler dev` on a free loopback port over a given local D1, in its
 * own process group (so its workerd processes can be found and stopped with
 * it), ready once `/healthz` answers. Shared by the tests that need real
 * clients (test/support/dev-server) and by the benchmarks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

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

export interface WranglerDevOptions {
  /** The project folder (wrangler.toml, node_modules/.bin/wrangler). */
  root: string;
  persistDir: string;
  /** More `wrangler dev` arguments (`--var`, `--inspector-port`, …). */
  args?: string[];
  logLevel?: "error" | "warn" | "info";
  timeoutMs?: number;
  /** Extra readiness condition after /healthz answers (e.g. workerd visible in the process tree). */
  ready?: (child: ChildProcess) => boolean;
}

export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** Recent output of wrangler and workerd, for error messages. */
  output(): string;
  /** Stops the whole process group (SIGTERM, then SIGKILL after 5 s); workerd must not keep the database open. */
  stop(): Promise<void>;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function startWranglerDev(o: WranglerDevOptions): Promise<WranglerDev> {
  const port = await freePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", o.persistDir];
  args.push("--log-level", o.logLevel ?? "warn", "--show-interactive-dev-session=false", ...(o.args ?? []));
  let output = "";
  const child = spawn(join(o.root, "node_modules", ".bin", "wrangler"), args, {
    cwd: o.root,
    // Offline machines: wrangler would otherwise try to fetch the request.cf object on start.
    env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr?.on("data", (d) => (output = (output + d).slice(-20_000)));
  const pid = child.pid as number;
  const url = `http://127.0.0.1:${port}`;
  const dev: WranglerDev = {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        killGroup(pid, "SIGKILL");
        return;
      }
      const exited = new Promise((r) => child.once("exit", r));
      killGroup(pid, "SIGTERM");
      const t = setTimeout(() => killGroup(pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      // workerd may outlive wrangler for a moment.
      killGroup(pid, "SIGKILL");
    },
  };
  const timeoutMs = o.timeoutMs ?? 90_000;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      await dev.stop();
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok && (o.ready?.(child) ?? true)) return dev;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await dev.stop();
  throw new Error(`wrangler dev did not answer ${url}/healthz within ${timeoutMs} ms:\n${output}`);
}
