/**
 * @module scripts/gen-corpus
 * `npm run gen:corpus -- --count N --seed S --out DIR [--live-hours H]`
 * Writes N synthetic posts (scripts/lib/corpus-gen) under DIR/<YYYY-MM>/,
 * the same bytes for the same N and S. With --live-hours, the posts are dated
 * over the H hours before now (a live day: 24), and only the dates change
 * from run to run. Exit 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateCorpus, type Template } from "./lib/corpus-gen";

const USAGE = "usage: npm run gen:corpus -- --count N --seed S --out DIR [--live-hours H]";

function parse(argv: string[]): { count: number; seed: string; out: string; liveHours: number | null } {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--(count|seed|out|live-hours)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`--${m[1]} needs a value`);
    opts[m[1] as string] = v;
  }
  const count = Number(opts.count);
  if (!Number.isInteger(count) || count < 0) throw new Error("--count must be a whole number");
  if (opts.seed === undefined) throw new Error("--seed is required");
  if (!opts.out) throw new Error("--out is required");
  const live = opts["live-hours"];
  const liveHours = live === undefined ? null : Number(live);
  if (liveHours !== null && !(liveHours > 0)) throw new Error("--live-hours must be a positive number");
  return { count, seed: opts.seed, out: opts.out, liveHours };
}

function main(): number {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`gen-corpus: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const byTemplate: Record<Template, number> = { rolling: 0, source: 0, market: 0, short: 0 };
  let bytes = 0;
  const dirs = new Set<string>();
  const live = args.liveHours === null ? {} : { endsAt: Date.now(), spanMs: args.liveHours * 3_600_000 };
  for (const post of generateCorpus({ count: args.count, seed: args.seed, ...live })) {
    const file = join(args.out, post.path);
    const dir = dirname(file);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    writeFileSync(file, post.text);
    byTemplate[post.template]++;
    bytes += Buffer.byteLength(post.text);
  }
  const mix = Object.entries(byTemplate)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  process.stderr.write(
    `gen-corpus: wrote ${args.count} posts (${(bytes / 1e6).toFixed(1)} MB; ${mix}) to ${args.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

process.exitCode = main();
