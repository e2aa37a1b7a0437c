/**
 * @module scripts/bench-seed
 * `npx tsx scripts/bench-seed.ts [--count N] [--seed S] [--repeat K] [--keep DIR]`
 * The numbers in docs/benchmarks.md: generates N posts (scripts/gen-corpus),
 * seeds them into an empty local D1 through the real CLI, seeds them again
 * (all unchanged), then seeds ONE new post into the full database; K times,
 * each into a fresh database. Wall time (best and median of K: other work on
 * the machine only ever adds), CPU time of the whole process tree (GNU time),
 * and peak resident memory of the tree (Node and workerd, sampled from /proc
 * every 50 ms). Prints a Markdown table.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { generateCorpus } from "./lib/corpus-gen";

const ROOT = resolve(import.meta.dirname, "..");

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

/** Resident set of every process in `pid`'s tree, in kB (Linux /proc). */
function treeRss(pid: number): { total: number; byName: Map<string, number>; cpuByName: Map<string, number> } {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  const cpu = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      parent.set(Number(e), Number(fields[1]));
      name.set(Number(e), stat.slice(stat.indexOf("(") + 1, close));
      // utime + stime, in clock ticks (100 per second on Linux)
      cpu.set(Number(e), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (p: number): boolean => {
    for (let x: number | undefined = p, n = 0; x && n < 64; x = parent.get(x), n++) if (x === pid) return true;
    return false;
  };
  let total = 0;
  const byName = new Map<string, number>();
  const cpuByName = new Map<string, number>();
  for (const p of parent.keys()) {
    if (!inTree(p)) continue;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      total += kb;
      const n = name.get(p) ?? "?";
      byName.set(n, Math.max(byName.get(n) ?? 0, kb));
      cpuByName.set(n, (cpuByName.get(n) ?? 0) + (cpu.get(p) ?? 0));
    } catch {
      // exited meanwhile
    }
  }
  return { total, byName, cpuByName };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakTreeMb: number;
  peakByName: Record<string, number>;
  cpuByName: Record<string, number>;
  report: Record<string, unknown>;
  timing: string;
}

const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

async function seed(args: string[]): Promise<Run> {
  const started = performance.now();
  const command = [join(ROOT, "node_modules/.bin/tsx"), join(ROOT, "scripts/seed.ts"), ...args];
  // GNU time reports the CPU seconds of the whole tree (it waits for its child, which waits for workerd).
  const argv = GNU_TIME ? [GNU_TIME, "-f", "bench-cpu %U %S", ...command] : command;
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  let peak = 0;
  const peakByName = new Map<string, number>();
  // CPU seconds per process name, as last seen alive: how the work splits between Node and workerd.
  const cpuByName = new Map<string, number>();
  const timer = setInterval(() => {
    if (!child.pid) return;
    const sample = treeRss(child.pid);
    peak = Math.max(peak, sample.total);
    for (const [n, kb] of sample.byName) peakByName.set(n, Math.max(peakByName.get(n) ?? 0, kb));
    for (const [n, s] of sample.cpuByName) cpuByName.set(n, Math.max(cpuByName.get(n) ?? 0, s));
  }, 50);
  const status = await new Promise<number>((r) => child.once("exit", (code) => r(code ?? -1)));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`seed exited ${status}:\n${err}`);
  const cpu = /^bench-cpu ([\d.]+) ([\d.]+)$/m.exec(err);
  return {
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
    peakTreeMb: Math.round(peak / 1024),
    peakByName: Object.fromEntries([...peakByName].map(([n, kb]) => [n, Math.round(kb / 1024)])),
    cpuByName: Object.fromEntries([...cpuByName].filter(([, s]) => s >= 0.1)),
    report: JSON.parse(out),
    timing: /^seed: \d+ files? in .*$/m.exec(err)?.[0] ?? "",
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const count = Number(option("count", "10000"));
  const seedName = option("seed", "bench");
  const repeat = Number(option("repeat", "1"));
  const keep = process.argv.includes("--keep") ? option("keep", "") : "";
  const work = keep || mkdtempSync(join(tmpdir(), "finews-bench-"));
  const corpus = join(work, "corpus");
  const extra = join(work, "one-new");
  rmSync(corpus, { recursive: true, force: true });
  rmSync(extra, { recursive: true, force: true });
  let last: { path: string } | undefined;
  let i = 0;
  // N + 1 posts from one stream: the first N are the corpus, the last is the "new file".
  for (const p of generateCorpus({ count: count + 1, seed: seedName })) {
    const dir = i++ < count ? corpus : extra;
    mkdirSync(dirname(join(dir, p.path)), { recursive: true });
    writeFileSync(join(dir, p.path), p.text);
    last = p;
  }
  process.stderr.write(`bench: ${count} posts in ${corpus}; one more in ${extra}\n`);
  const load = loadavg()[0]?.toFixed(2);
  const runs: { first: Run; again: Run; one: Run }[] = [];
  for (let k = 0; k < repeat; k++) {
    const persist = join(work, `state-${k}`);
    rmSync(persist, { recursive: true, force: true });
    const first = await seed(["--persist-to", persist, "--json", corpus]);
    const again = await seed(["--persist-to", persist, "--json", corpus]);
    const one = await seed(["--persist-to", persist, "--json", extra]);
    if (first.report.inserted !== count || again.report.unchanged !== count || one.report.inserted !== 1) {
      throw new Error(
        `unexpected reports: ${JSON.stringify([first.report.inserted, again.report.unchanged, one.report.inserted])}`,
      );
    }
    runs.push({ first, again, one });
    process.stderr.write(
      `bench: run ${k + 1}/${repeat}: ${first.seconds.toFixed(1)} s, ${again.seconds.toFixed(1)} s, ${one.seconds.toFixed(1)} s\n`,
    );
    if (!keep) rmSync(persist, { recursive: true, force: true });
  }
  const row = (label: string, pick: (r: (typeof runs)[number]) => Run, perSecond: boolean) => {
    const rs = runs.map(pick);
    const best = Math.min(...rs.map((r) => r.seconds));
    const med = median(rs.map((r) => r.seconds));
    const cpu = Math.min(...rs.map((r) => r.cpuSeconds));
    const peak = rs.reduce((a, b) => (b.peakTreeMb > a.peakTreeMb ? b : a));
    const names = Object.entries(peak.peakByName)
      .filter(([, mb]) => mb >= 50)
      .map(([n, mb]) => `${n === "MainThread" ? "node" : n} ${mb}`)
      .join(", ");
    const rate = perSecond ? `${Math.round(count / best)} (median ${Math.round(count / med)})` : "–";
    return `| ${label} | ${best.toFixed(1)} s (median ${med.toFixed(1)} s) | ${rate} | ${cpu.toFixed(1)} s | ${peak.peakTreeMb} MB (${names}) |`;
  };
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}; load average ${load} at start; best of ${repeat}`,
    "",
    "| run | wall time | posts/s | CPU time, whole tree | peak RSS, whole tree (largest processes) |",
    "| --- | --- | --- | --- | --- |",
    row(`${count} new posts into an empty local D1`, (r) => r.first, true),
    row(`the same ${count} again (all unchanged)`, (r) => r.again, true),
    row(`ONE new post into the ${count}-post D1`, (r) => r.one, false),
    "",
    "CPU seconds by process (run 1, last sample before exit): " +
      [runs[0]?.first, runs[0]?.again, runs[0]?.one]
        .map((r) =>
          Object.entries(r?.cpuByName ?? {})
            .map(([n, s]) => `${n === "MainThread" ? "node" : n} ${s.toFixed(1)}`)
            .join(", "),
        )
        .join(" | "),
    "",
    "seed's own timing lines (run 1):",
    "",
    ...[runs[0]?.first, runs[0]?.again, runs[0]?.one].map((r) => `    ${r?.timing}`),
    "",
    `new post: ${last?.path}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!keep) rmSync(work, { recursive: true, force: true });
}

await main();
