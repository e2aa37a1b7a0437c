/**
 * @module scripts/bench/lib/devserver
 * A real `wrangler dev` over a given local D1 (scripts/lib/wrangler-dev), with
 * what the benchmarks need on top: its workerd processes and their CPU time.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, startWranglerDev } from "../../lib/wrangler-dev";
import { ROOT, siteVars } from "./env";
import { ticksOf, tree } from "./proc";

export interface DevServer {
  url: string;
  /** workerd processes under this wrangler dev (the proxy and the runtime). */
  workerdPids(): number[];
  /** CPU ticks of those processes and of wrangler's own Node process. */
  ticks(): { workerd: number; node: number };
  stop(): Promise<void>;
}

/** Drops the edge-cache entries of earlier runs, so every run starts from the same empty cache. */
export function clearEdgeCache(persistDir: string): void {
  rmSync(join(persistDir, "v3", "cache"), { recursive: true, force: true });
}

export async function startDevServer(
  persistDir: string,
  timeoutMs = 90_000,
  vars: Record<string, string> = {},
  /** More `wrangler dev` arguments (`--config` of a generated archive). */
  args: string[] = [],
): Promise<DevServer> {
  const inspector = await freePort();
  const workerdOf = (pid: number) =>
    tree(pid)
      .filter((p) => p.comm === "workerd")
      .map((p) => p.pid);
  // As deployed: the Worker sees requests for SITE_URL's host (a loopback host would make it link
  // locally, and render the feed entries stored for SITE_URL again on every request).
  const site = new URL(siteVars().SITE_URL as string);
  const dev = await startWranglerDev({
    root: ROOT,
    persistDir,
    args: [
      "--inspector-port",
      String(inspector),
      "--local-upstream",
      site.host,
      "--upstream-protocol",
      site.protocol.slice(0, -1),
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ...args,
    ],
    logLevel: "error",
    timeoutMs,
    // CPU is read from the workerd processes: they must be in the tree before the first sample.
    ready: (child) => workerdOf(child.pid as number).length > 0,
  });
  const pid = dev.child.pid as number;
  return {
    url: dev.url,
    workerdPids: () => workerdOf(pid),
    ticks: () => {
      const all = tree(pid);
      return {
        workerd: ticksOf(all.filter((p) => p.comm === "workerd").map((p) => p.pid)),
        node: ticksOf(all.filter((p) => p.comm !== "workerd").map((p) => p.pid)),
      };
    },
    stop: () => dev.stop(),
  };
}
