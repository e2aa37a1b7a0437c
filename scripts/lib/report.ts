/**
 * @module scripts/lib/report
 * The seed report: counts and every rejection, warning and skip with its
 * file. JSON on stdout for tools, a table on stderr for people, and a
 * progress bar (TTY) or periodic lines (logs) while it runs.
 */

import type { Report } from "../../src/ingest/report";

export { emptyReport, type Report } from "../../src/ingest/report";

export class Progress {
  private last = 0;
  private readonly tty: boolean;
  private readonly started = Date.now();
  private readonly total: number;
  private readonly out: NodeJS.WriteStream;
  constructor(total: number, out: NodeJS.WriteStream = process.stderr) {
    this.total = total;
    this.out = out;
    this.tty = Boolean(out.isTTY);
  }
  update(done: number): void {
    const now = Date.now();
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? `${Math.round(done / seconds)} files/s` : "";
    if (this.tty) {
      if (now - this.last < 100 && done < this.total) return;
      const width = 30;
      const filled = this.total ? Math.round((done / this.total) * width) : width;
      this.out.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${this.total} ${rate}\x1b[K`);
    } else {
      if (now - this.last < 5000 && done < this.total) return;
      this.out.write(`seed: ${done}/${this.total} files (${seconds.toFixed(1)} s, ${rate})\n`);
    }
    this.last = now;
  }
  done(): void {
    if (this.tty) this.out.write("\n");
  }
}

interface Times {
  seconds: number;
  parseSeconds: number;
  databaseSeconds: number;
}

/** One stderr line for --json runs (benchmarks read it): totals and where the time went. */
export function timingLine(report: Report, t: Times): string {
  return (
    `seed: ${report.scanned} file${report.scanned === 1 ? "" : "s"} in ${t.seconds.toFixed(2)} s ` +
    `(main thread waiting for reading and parsing ${t.parseSeconds.toFixed(2)} s, database ${t.databaseSeconds.toFixed(2)} s; ` +
    `peak memory of this process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`
  );
}

/** Files named per kind of warning; the rest are counted (`--json` lists every one). */
const FIRST_FILES = 3;

/**
 * A warning's kind: its text with the specifics of one file (quoted values, parenthesised details,
 * numbers) blanked, so 378 recovered-YAML warnings read as one line with a count.
 */
export function warningKind(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, "“…”")
    .replace(/\([^()]*\)/g, "(…)")
    .replace(/\d+/g, "N");
}

/** Warnings grouped by kind, most frequent first, each with its first few files. */
export function warningsByKind(warnings: Report["warnings"]): { kind: string; count: number; files: string[] }[] {
  const kinds = new Map<string, { kind: string; count: number; files: string[] }>();
  for (const w of warnings) {
    const kind = warningKind(w.message);
    const k = kinds.get(kind) ?? { kind, count: 0, files: [] };
    k.count++;
    if (k.files.length < FIRST_FILES) k.files.push(w.file);
    kinds.set(kind, k);
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count);
}

export function printHuman(
  report: Report,
  opts: { dryRun: boolean; target: string; vouched?: number } & Times,
  out = process.stderr,
): void {
  const w = (s: string) => out.write(`${s}\n`);
  const rows: [string, number][] = [
    ["scanned", report.scanned],
    [opts.dryRun ? "would insert" : "inserted", report.inserted],
    [opts.dryRun ? "would update" : "updated", report.updated],
    ["unchanged", report.unchanged],
    ["rejected", report.rejected.length],
    ["warnings", report.warnings.length],
    ["skipped", report.skipped.length],
  ];
  w("");
  w(`Seed ${opts.dryRun ? "dry run (nothing written)" : `into ${opts.target}`} in ${opts.seconds.toFixed(2)} s`);
  // The next chunks are parsed while the database works on this one: these are the main thread's waits.
  w(
    `  (main thread waiting for reading and parsing ${opts.parseSeconds.toFixed(2)} s, database ${opts.databaseSeconds.toFixed(2)} s)`,
  );
  for (const [k, v] of rows) w(`  ${k.padEnd(14)}${String(v).padStart(8)}`);
  if (opts.vouched) {
    w(
      `  (${opts.vouched} of the unchanged were not read: same size and time as at the last run, and still stored; --full reads every file)`,
    );
  }
  if (report.rejected.length) {
    w("");
    w("Rejected (not written):");
    for (const r of report.rejected) w(`  ${r.file}: ${r.reason}`);
  }
  if (report.warnings.length) {
    w("");
    w("Warnings (written, recovered as described), by kind:");
    for (const k of warningsByKind(report.warnings)) {
      w(`  ${String(k.count).padStart(6)} × ${k.kind}`);
      for (const f of k.files) w(`           ${f}`);
      if (k.count > k.files.length) w(`           … and ${k.count - k.files.length} more (--json lists every warning)`);
    }
  }
  if (report.skipped.length) {
    w("");
    w("Skipped:");
    for (const r of report.skipped) w(`  ${r.file}: ${r.reason}`);
  }
}
