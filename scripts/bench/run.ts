/**
 * @module scripts/bench/run
 * `npm run bench [-- --quick] [--only NAME,...] [--out FILE] [--scaling-out FILE] [--render-only]`
 * Runs the benchmarks of issues 6 and 7 on this machine and rewrites
 * docs/benchmarks.md and docs/scaling.md from their results. Suites, in order:
 * bundle, seed, writepath, publish, capacity, serving, profile, load, kill, scale. A subset run
 * (--only) replaces only its own sections: every suite's last result is kept
 * in the document itself, with its own date, commit and load. --quick runs
 * small sizes and writes under .tmp/bench/ unless --out says otherwise.
 * Generated corpora and databases live in .tmp/bench/ (git-ignored); delete
 * that folder to start from nothing.
 */
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { type Ctx, FULL, QUICK } from "./lib/context";
import { LoadSampler, machine, ROOT, WORK } from "./lib/env";
import { type Results, readResults, type SuiteResult, writeDocs } from "./report";
import { bundleSuite } from "./suites/bundle";
import { capacitySuite } from "./suites/capacity";
import { killSuite } from "./suites/kill";
import { profileSuite } from "./suites/profile";
import { loadSuite } from "./suites/load";
import { publishSuite } from "./suites/publish";
import { scaleSuite } from "./suites/scale";
import { seedSuite } from "./suites/seed";
import { servingSuite } from "./suites/serving";
import { writepathSuite } from "./suites/writepath";

const SUITES: Record<string, (ctx: Ctx) => Promise<unknown>> = {
  bundle: bundleSuite,
  seed: seedSuite,
  writepath: writepathSuite,
  publish: publishSuite,
  capacity: capacitySuite,
  serving: servingSuite,
  profile: profileSuite,
  load: loadSuite,
  kill: killSuite,
  scale: scaleSuite,
};
/** Suites that import the bundle the bundle suite builds. */
const NEEDS_BUNDLE = new Set(["serving", "profile", "scale"]);

const USAGE = `usage: npm run bench [-- --quick] [--only ${Object.keys(SUITES).join(",")}] [--out FILE] [--scaling-out FILE] [--render-only]`;

function parse(argv: string[]) {
  const o = { quick: false, renderOnly: false, only: null as string[] | null, out: "", scalingOut: "" };
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
    else if (a.startsWith("--scaling-out")) o.scalingOut = value();
    else if (a.startsWith("--out")) o.out = value();
    else throw new Error(`unknown argument ${a}`);
  }
  for (const s of o.only ?? []) if (!SUITES[s]) throw new Error(`unknown suite ${s}`);
  o.out ||= o.quick ? join(WORK, "benchmarks-quick.md") : join(ROOT, "docs", "benchmarks.md");
  o.scalingOut ||= o.quick ? join(WORK, "scaling-quick.md") : join(ROOT, "docs", "scaling.md");
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
  if (opts.renderOnly) {
    // Only rewrite the documents from the results stored in them (after a change to the report code).
    writeDocs(results, opts.out, opts.scalingOut);
    log(`bench: rewrote ${opts.out} and ${opts.scalingOut} from their stored results`);
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
      writeDocs(results, opts.out, opts.scalingOut);
    } catch (err) {
      failed++;
      log(`bench: writing the documents FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  log(`bench: wrote ${opts.out} and ${opts.scalingOut}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
