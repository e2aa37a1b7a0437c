/**
 * @module scripts/bench/run
 * `npm run bench [-- --quick] [--only NAME,...] [--render-only]`
 * Runs the suites that guard a stated target (docs/benchmarks.md lists them)
 * and stores each suite's result, with its date, commit and load, in
 * docs/benchmarks.json; then fills the generated blocks of
 * docs/benchmarks.md and docs/scaling.md from that file. A subset run
 * (--only) replaces only its own results. --quick runs small sizes and keeps
 * its results in .tmp/bench/ instead. Generated corpora and databases live in
 * .tmp/bench/ (git-ignored); delete that folder to start from nothing.
 */
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { type Ctx, FULL, QUICK } from "./lib/context";
import { LoadSampler, machine, ROOT, WORK } from "./lib/env";
import { fillBlocks } from "./report";
import { type Results, readResults, type SuiteResult, writeResults } from "./results";
import { archiveSuite } from "./suites/archive";
import { bundleSuite } from "./suites/bundle";
import { capacitySuite } from "./suites/capacity";
import { firehoseSuite } from "./suites/firehose";
import { ingestSuite } from "./suites/ingest";
import { killSuite } from "./suites/kill";
import { loadSuite } from "./suites/load";
import { publishSuite } from "./suites/publish";
import { scaleSuite } from "./suites/scale";
import { searchSuite } from "./suites/search";
import { seedSuite } from "./suites/seed";
import { servingSuite } from "./suites/serving";

const SUITES: Record<string, (ctx: Ctx) => Promise<unknown>> = {
  bundle: bundleSuite,
  seed: seedSuite,
  publish: publishSuite,
  capacity: capacitySuite,
  serving: servingSuite,
  firehose: firehoseSuite,
  ingest: ingestSuite,
  load: loadSuite,
  kill: killSuite,
  scale: scaleSuite,
  archive: archiveSuite,
  search: searchSuite,
};
/** Suites that import the bundle the bundle suite builds. */
const NEEDS_BUNDLE = new Set(["serving", "firehose", "ingest", "scale", "archive", "search"]);
const DOCS = [join(ROOT, "docs", "benchmarks.md"), join(ROOT, "docs", "scaling.md")];

const USAGE = `usage: npm run bench [-- --quick] [--only ${Object.keys(SUITES).join(",")}] [--render-only]`;

function parse(argv: string[]) {
  const o = { quick: false, renderOnly: false, only: null as string[] | null, out: "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const eq = a.indexOf("=");
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") o.quick = true;
    else if (a === "--render-only") o.renderOnly = true;
    else if (a.startsWith("--only"))
      o.only = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else throw new Error(`unknown argument ${a}`);
  }
  for (const s of o.only ?? []) if (!SUITES[s]) throw new Error(`unknown suite ${s}`);
  o.out = o.quick ? join(WORK, "benchmarks-quick.json") : join(ROOT, "docs", "benchmarks.json");
  return o;
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  mkdirSync(WORK, { recursive: true });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const ctx: Ctx = { quick: opts.quick, sizes: opts.quick ? QUICK : FULL, log };
  const wanted = opts.only ?? Object.keys(SUITES);
  const order = Object.keys(SUITES).filter(
    (s) => wanted.includes(s) || (s === "bundle" && wanted.some((w) => NEEDS_BUNDLE.has(w))),
  );
  const results = readResults(opts.out);
  const mine: Results = {};
  const render = () => {
    // Quick results never reach the documents: they are for trying the harness.
    if (!opts.quick) for (const doc of DOCS) fillBlocks(doc, readResults(opts.out));
  };
  if (opts.renderOnly) {
    render();
    log(`bench: filled ${DOCS.join(" and ")} from ${opts.out}`);
    return 0;
  }
  const mach = machine();
  log(
    `bench: ${order.join(", ")} (${opts.quick ? "quick" : "full"}) on ${mach.cpu}, ${mach.cores} cores; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  let failed = 0;
  for (const name of order) {
    const started = Date.now();
    const loadBefore = loadavg()[0] as number;
    const sampler = new LoadSampler();
    log(`bench: ${name}…`);
    try {
      const data = await (SUITES[name] as (ctx: Ctx) => Promise<unknown>)(ctx);
      const r: SuiteResult = {
        suite: name,
        at: new Date().toISOString(),
        quick: opts.quick,
        seconds: (Date.now() - started) / 1000,
        loadBefore,
        load: sampler.stop(),
        machine: mach,
        data,
      };
      results[name] = r;
      mine[name] = r;
      log(`bench: ${name} done in ${r.seconds.toFixed(0)} s`);
    } catch (err) {
      sampler.stop();
      failed++;
      log(`bench: ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    // Written after every suite: a late failure keeps what was measured.
    try {
      // Re-read first: another bench run may have written other suites meanwhile.
      Object.assign(results, readResults(opts.out), mine);
      writeResults(opts.out, results);
      render();
    } catch (err) {
      failed++;
      log(`bench: writing the documents FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  log(`bench: wrote ${opts.out}${opts.quick ? "" : ` and filled ${DOCS.join(", ")}`}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
