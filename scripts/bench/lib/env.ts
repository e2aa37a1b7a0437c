/**
 * @module scripts/bench/lib/env
 * Where things are, and the facts about this machine that every result is
 * stamped with (a number without its machine and load means little).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readWranglerConfig } from "../../lib/wrangler-config";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** Git-ignored work folder for corpora and databases. */
export const WORK = join(ROOT, ".tmp", "bench");
export const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

/** The Worker's vars from wrangler.toml, as the benchmarks pass them to the in-process Worker. */
export const siteVars = (): Record<string, string> =>
  (readWranglerConfig(join(ROOT, "wrangler.toml")).vars ?? {}) as Record<string, string>;

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  commit: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpu = m[1].trim();
  } catch {}
  // Read-only git: the commit the numbers belong to.
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  return {
    cpu,
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: git.status === 0 ? git.stdout.trim() : "unknown",
  };
}

/** Samples the 1-minute load average while a suite runs: its range goes next to the suite's numbers. */
export class LoadSampler {
  private readonly values: number[] = [loadavg()[0] as number];
  private readonly timer = setInterval(() => this.values.push(loadavg()[0] as number), 5000);
  constructor() {
    this.timer.unref();
  }
  stop(): { min: number; max: number; mean: number } {
    clearInterval(this.timer);
    this.values.push(loadavg()[0] as number);
    const sum = this.values.reduce((a, b) => a + b, 0);
    return { min: Math.min(...this.values), max: Math.max(...this.values), mean: sum / this.values.length };
  }
}

/** A path as shown in the report: relative to the project root. */
export const rel = (p: string) => (p.startsWith(`${ROOT}/`) ? p.slice(ROOT.length + 1) : p);
