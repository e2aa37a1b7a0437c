/**
 * @module scripts/bench/lib/proc
 * Linux /proc readings for the benchmarks: a process tree, its CPU time and
 * its memory. CPU is read from /proc/<pid>/stat (utime + stime, clock ticks)
 * because that is what the process really used, whatever a tool reports.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
export const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, clock ticks */
  ticks: number;
  /** resident set, KiB */
  rssKiB: number;
}

const PAGE_KIB = 4;

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: the fields start after the last ')'.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const f = text.slice(close + 2).split(" ");
    // f[0] is field 3 (state): ppid = field 4, utime = 14, stime = 15, rss (pages) = 24.
    return {
      pid,
      ppid: Number(f[1]),
      comm,
      ticks: Number(f[11]) + Number(f[12]),
      rssKiB: Number(f[21]) * PAGE_KIB,
    };
  } catch {
    return null; // exited meanwhile
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** `root` and every process below it. */
export function tree(root: number): Stat[] {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: Stat[] = [];
  const self = stats.find((s) => s.pid === root);
  const todo = self ? [self] : [];
  while (todo.length) {
    const s = todo.pop() as Stat;
    out.push(s);
    todo.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/** CPU ticks of the given pids now (exited ones count 0, so read before they exit). */
export function ticksOf(pids: number[]): number {
  let t = 0;
  for (const pid of pids) t += readStat(pid)?.ticks ?? 0;
  return t;
}

export interface Measured {
  status: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Largest sum of RSS over the whole tree seen by the sampler, MiB. */
  peakTreeMiB: number;
  /** Largest RSS of one process of the tree, with its name, MiB. */
  peakProcess: { comm: string; MiB: number };
  /**
   * Largest RSS of the biggest process (the one doing the work; the npm and with-node launchers
   * above it are small and idle) plus any workerd processes it started, MiB.
   */
  peakWorkMiB: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Sampling period for memory; short runs need a short one. */
  sampleMs?: number;
  /** Called once the child runs (the kill benchmark uses it). */
  onStart?: (child: ChildProcess) => void;
}

/**
 * Runs a command in its own process group and samples the RSS of its whole tree
 * (npm → with-node → node …): /usr/bin/time only sees the largest single process.
 */
export function runMeasured(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let peakTree = 0;
    let peakProcess = { comm: "", MiB: 0 };
    let peakWork = 0;
    const sample = () => {
      if (!child.pid) return;
      const procs = tree(child.pid);
      const sum = procs.reduce((n, p) => n + p.rssKiB, 0) / 1024;
      if (sum > peakTree) peakTree = sum;
      const workerd = procs.filter((p) => p.comm === "workerd").reduce((n, p) => n + p.rssKiB, 0);
      const worker = Math.max(0, ...procs.filter((p) => p.comm !== "workerd").map((p) => p.rssKiB));
      if ((workerd + worker) / 1024 > peakWork) peakWork = (workerd + worker) / 1024;
      for (const p of procs) if (p.rssKiB / 1024 > peakProcess.MiB) peakProcess = { comm: p.comm, MiB: p.rssKiB / 1024 };
    };
    const timer = setInterval(sample, opts.sampleMs ?? 50);
    child.once("spawn", () => {
      sample();
      opts.onStart?.(child);
    });
    child.once("error", (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.once("close", (status, signal) => {
      clearInterval(timer);
      resolve({
        status,
        signal,
        wallMs: performance.now() - started,
        peakTreeMiB: peakTree,
        peakProcess,
        peakWorkMiB: peakWork,
        stdout,
        stderr,
      });
    });
  });
}

/** Sends `signal` to the process group a runMeasured/detached child leads (its workerd included). */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
