/**
 * @module scripts/bench/report
 * Turns suite results into docs/benchmarks.md and docs/scaling.md. Every
 * number printed comes from a result; the results themselves are kept at the
 * end of benchmarks.md (an HTML comment), so a subset run (`--only`) can
 * rewrite the documents without losing the other suites' numbers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type { Machine } from "./lib/env";
import type { ServingResult } from "./lib/serving";
import { fmtSpread, type Spread } from "./lib/stats";
import type { bundleSuite } from "./suites/bundle";
import type { capacitySuite } from "./suites/capacity";
import type { killSuite } from "./suites/kill";
import type { loadSuite } from "./suites/load";
import type { profileSuite } from "./suites/profile";
import type { publishSuite } from "./suites/publish";
import type { scaleSuite } from "./suites/scale";
import type { seedSuite } from "./suites/seed";
import type { servingSuite } from "./suites/serving";
import type { writepathSuite } from "./suites/writepath";
import { scalingDoc } from "./scaling-doc";

export interface SuiteResult {
  suite: string;
  at: string;
  quick: boolean;
  seconds: number;
  loadBefore: number;
  load: { min: number; max: number; mean: number };
  machine: Machine;
  data: unknown;
}

export type Results = Record<string, SuiteResult>;
type Data<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
export interface Typed {
  bundle?: Data<typeof bundleSuite>;
  seed?: Data<typeof seedSuite>;
  writepath?: Data<typeof writepathSuite>;
  publish?: Data<typeof publishSuite>;
  capacity?: Data<typeof capacitySuite>;
  serving?: Data<typeof servingSuite>;
  profile?: Data<typeof profileSuite>;
  load?: Data<typeof loadSuite>;
  kill?: Data<typeof killSuite>;
  scale?: Data<typeof scaleSuite>;
}

const MARK = "bench-results:";

export function readResults(file: string): Results {
  if (!existsSync(file)) return {};
  const m = new RegExp(`<!-- ${MARK}(.*?) -->`, "s").exec(readFileSync(file, "utf8"));
  if (!m) return {};
  try {
    return JSON.parse(m[1] as string) as Results;
  } catch {
    return {};
  }
}

const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const pass = (ok: boolean | undefined) => (ok === undefined ? "not run" : ok ? "**pass**" : "**FAIL**");
const code = (lines: string[]) => ["```sh", ...lines, "```"].join("\n");

function stamp(r: SuiteResult | undefined): string {
  if (!r) return "_not run yet_";
  return `_Run ${r.at.slice(0, 16).replace("T", " ")} UTC, commit ${r.machine.commit}, ${r.seconds.toFixed(0)} s, 1-min load average ${f(r.load.min)}–${f(r.load.max)} (mean ${f(r.load.mean)})${r.quick ? ", **quick sizes**" : ""}; \`npm run bench -- --only ${r.suite}${r.quick ? " --quick" : ""}\`._`;
}

function route(s: ServingResult | undefined, key: string, mode: string) {
  return s?.routes.find((r) => r.key === key && r.mode === mode);
}

/** The worst (largest) render-path figure among the three feed formats. */
function worstFeed(
  s: ServingResult | undefined,
  pick: (r: NonNullable<ReturnType<typeof route>>) => Spread | undefined,
): Spread | undefined {
  let worst: Spread | undefined;
  for (const k of ["atom", "rss", "json"]) {
    const r = route(s, k, "render");
    const v = r && pick(r);
    if (v && (!worst || v.median > worst.median)) worst = v;
  }
  return worst;
}

function servingTable(s: ServingResult): string[] {
  const out = [
    "| route | path | req/s | median latency ms | workerd CPU ms/request | × /healthz CPU | CPU above /healthz, ms | in-process CPU ms (of which SQLite) | Worker CPU above /healthz, ms |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const modeName: Record<string, string> = { hit: "edge hit", render: "render", direct: "(not cached)" };
  for (const r of s.routes) {
    const w = r.wrk;
    const ip = r.inproc;
    const path =
      r.key === "304" && r.mode === "render"
        ? `${r.path}?_v=… (never fetched)`
        : r.mode === "render"
          ? `${r.path}?_b=<unique>`
          : r.path;
    out.push(
      `| ${r.label} — ${modeName[r.mode]} | \`${path.length > 70 ? `${path.slice(0, 67)}…` : path}\` | ${fmtSpread(w?.rps, 0)} | ${fmtSpread(w?.p50Ms, 1)} | ${fmtSpread(w?.cpuMs, 2)} | ${fmtSpread(w?.cpuRatio, 2)} | ${r.key === "healthz" ? "—" : fmtSpread(w?.cpuAboveMs, 2)} | ${ip ? `${fmtSpread(ip.cpuMs, 3)} (${f(ip.sqlMs.median, 3)})` : "—"} | ${ip && r.key !== "healthz" ? fmtSpread(ip.workerAboveMs, 3) : "—"} |`,
    );
  }
  return out;
}

function statuses(s: ServingResult): string {
  return s.routes
    .map(
      (r) =>
        `${r.key}/${r.mode} ${Object.entries(r.wrk?.statuses ?? {})
          .map(([k, v]) => `${k}×${v}`)
          .join(" ")}`,
    )
    .join("; ");
}

export function benchmarksDoc(results: Results, scalingPath: string): string {
  const d = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.data])) as Typed;
  // Results stored by an older version of a suite, in a shape this report no longer reads, count as missing.
  if (d.publish && !("npmHelp" in d.publish.fixed)) delete d.publish;
  const sv = d.serving;
  const any = Object.values(results)[0];
  const mach = any?.machine;
  const L: string[] = [];
  const p = (...lines: string[]) => L.push(...lines);

  p(
    "# Benchmarks",
    "",
    "Generated by `npm run bench` from measurements on the machine below; do not edit by hand, run it again",
    "(each section says which `--only` subset regenerates it). Benchmarks are not part of `npm test`.",
    "",
    code([
      `npm run bench                      # everything, full sizes (the suites below took ${f(Object.values(results).reduce((n, r) => n + r.seconds, 0) / 60, 0)} min in all)`,
      "npm run bench -- --only serving    # a subset: bundle seed writepath publish capacity serving profile load kill scale",
      "npm run bench -- --quick           # small sizes, writes .tmp/bench/benchmarks-quick.md instead",
      "npm run bench -- --render-only     # rewrite both documents from the results stored at the end of this file",
    ]),
    "",
    "Corpora and databases are generated under `.tmp/bench/` (git-ignored) and reused by later runs; `rm -rf .tmp/bench` starts over.",
    "Every figure is the median of several runs with the min–max range in parentheses, unless it says otherwise.",
    "",
    "## Machine",
    "",
  );
  if (mach) {
    p(
      `| CPU | cores | RAM | Node | commit |`,
      "| --- | --- | --- | --- | --- |",
      `| ${mach.cpu} | ${mach.cores} | ${mach.ramGiB} GiB | ${mach.node} | ${[...new Set(Object.values(results).map((r) => r.machine.commit))].join(", ")} (per suite below) |`,
      "",
      "| suite | run at (UTC) | commit | duration | 1-min load average just before | 1-min load average during (min–max, mean) | sizes |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const r of Object.values(results)) {
      p(
        `| ${r.suite} | ${r.at.slice(0, 16).replace("T", " ")} | ${r.machine.commit} | ${r.seconds.toFixed(0)} s | ${f(r.loadBefore)} | ${f(r.load.min)}–${f(r.load.max)}, ${f(r.load.mean)} | ${r.quick ? "quick" : "full"} |`,
      );
    }
    p(
      "",
      "The machine is shared with other engineers' test runs; the load columns say how busy it was (2 cores: a load of 2 means fully busy). The load *during* a suite includes the benchmark's own processes (wrk and workerd keep both cores busy during the serving, scale and load runs, the seed keeps about one busy), so the value *just before* is the better measure of outside load.",
      "",
    );
  }

  // ---- Targets
  p("## Targets", "");
  p("| target | measured | result | by how much, and why (details in the sections below) |", "| --- | --- | --- | --- |");
  const row = (target: string, measured: string, ok: boolean | undefined, why: string) =>
    p(`| ${target} | ${measured} | ${pass(ok)} | ${ok ? "" : why} |`);
  const pf = d.publish;
  if (d.seed) {
    const s = d.seed;
    const split = s.runs.map((r) => r.split).find(Boolean);
    row(
      `bulk seed ≥ 2,500 posts/s (${n0(s.posts)} posts)`,
      `${fmtSpread(s.postsPerSecond, 0)} posts/s`,
      s.postsPerSecond.median >= 2500,
      `${f(2500 / s.postsPerSecond.median, 2)}× too slow. Parsing alone (dry run, no database, every core) reaches ${n0(s.dryRun.postsPerSecond)} posts/s including start-up${d.writepath ? `; on one thread, parsing runs at ${n0(d.writepath.parsePostsPerSecond)} posts/s and the write alone at ${n0(d.writepath.sqlPostsPerSecond)} posts/s` : ""}${split ? `; the seed's main thread spent ${f(split.database, 0)} s writing` : ""}. Parsing (markdown-it, sanitize-html, hashing) is the CPU cost, and this machine has ${results.seed?.machine.cores ?? "?"} cores for it and the writes together.`,
    );
    row(
      "seed peak memory ≤ 512 MiB at this size (the seed's process with its parse threads; whole tree incl. the npm and with-node launchers in parentheses)",
      `${fmtSpread(s.peakWorkMiB, 0)} MiB (${fmtSpread(s.peakTreeMiB, 0)} MiB)`,
      s.peakWorkMiB ? s.peakWorkMiB.max <= 512 : undefined,
      `${f((s.peakWorkMiB?.max ?? 0) / 512, 2)}× over: the largest single process was ${(s.runs[0]?.peakProcess ?? "?").replace(/^MainThread/, "node")} (the seed's Node process, parse threads included).`,
    );
  }
  if (pf) {
    const why = (t: Spread) =>
      `${f(t.median, 1)}× over, nearly all fixed start-up: npm and the seed's start with its imports take ${f(pf.fixed.npmHelp.median)} s (\`npm run seed -- --help\`); the write itself is milliseconds.`;
    row(
      `publish one post ≤ 1 s into ${n0(pf.small.posts)} posts`,
      `${fmtSpread(pf.small.seconds, 2)} s`,
      pf.small.seconds.median <= 1,
      why(pf.small.seconds),
    );
    row(
      `publish one post ≤ 1 s into ${n0(pf.main.posts)} posts`,
      `${fmtSpread(pf.main.seconds, 2)} s`,
      pf.main.seconds.median <= 1,
      why(pf.main.seconds),
    );
    const ratio = pf.main.seconds.median / pf.small.seconds.median;
    row(
      `publish time does not grow with the corpus (${n0(pf.main.posts)} vs ${n0(pf.small.posts)} posts, within 1.25×)`,
      `${f(ratio)}×`,
      ratio <= 1.25,
      "",
    );
    if ("seconds" in pf.jekyll)
      p(`| (for comparison) Jekyll's full rebuild of ${n0(pf.jekyll.posts)} posts | ${fmtSpread(pf.jekyll.seconds, 1)} s | | |`);
  }
  if (sv) {
    const art = route(sv, "article", "render");
    const nm = route(sv, "304", "render");
    const feedW = worstFeed(sv, (r) => r.wrk?.cpuAboveMs);
    const feedI = worstFeed(sv, (r) => r.inproc?.workerAboveMs);
    const prof = d.profile;
    const line = (label: string, limit: number, w: Spread | undefined, i: Spread | undefined, hot: string) => {
      const okW = w ? w.median <= limit : undefined;
      const okI = i ? i.median <= limit : undefined;
      const why: string[] = [];
      if (okW === false)
        why.push(
          `wrangler dev ${f((w?.median ?? 0) / limit, 1)}× over: its workerd processes also run the local D1 (SQLite in a Durable Object, JSON over RPC) and the Cache API (cache.put to disk), which are not Worker CPU on Cloudflare.`,
        );
      if (okI === false) why.push(`Worker alone ${f((i?.median ?? 0) / limit, 1)}× over${hot ? `; profile: ${hot}` : ""}.`);
      p(
        `| ${label} ≤ ${limit} ms above /healthz | wrangler dev (all workerd processes): ${fmtSpread(w, 2)} ms; Worker alone (in-process, SQLite excluded): ${fmtSpread(i, 3)} ms | wrangler dev ${pass(okW)}, Worker alone ${pass(okI)} | ${why.join(" ")} |`,
      );
    };
    const hot = (key: string) => {
      const r = prof?.routes.find((x) => x.key === key);
      // Only what runs in the Worker on Cloudflare: not SQLite (D1's side) and not Node's own Request/Response.
      const worker = r?.packages.filter((x) => !x.name.startsWith("(bench harness") && !x.name.startsWith("(Node")) ?? [];
      return worker.length
        ? `${worker
            .slice(0, 3)
            .map((x) => `${x.name} ${f(x.share * 100, 0)}%`)
            .join(", ")} of all samples`
        : "";
    };
    const worstKey = ["atom", "rss", "json"].reduce(
      (a, k) =>
        (route(sv, k, "render")?.inproc?.workerAboveMs.median ?? 0) > (route(sv, a, "render")?.inproc?.workerAboveMs.median ?? 0)
          ? k
          : a,
      "atom",
    );
    line("article CPU per request (render path)", 0.5, art?.wrk?.cpuAboveMs, art?.inproc?.workerAboveMs, hot("article"));
    line("20-item feed CPU per request (render path, worst format)", 1.5, feedW, feedI, hot(worstKey));
    line("304 CPU per request (validator path)", 0.2, nm?.wrk?.cpuAboveMs, nm?.inproc?.workerAboveMs, "");
  }
  if (d.scale) {
    const sc = d.scale;
    row(
      `${n0(sc.large.posts)} vs ${n0(sc.small.posts)} posts: median latency within 1.25× (worst route)`,
      `${f(sc.worstP50Ratio)}×`,
      sc.worstP50Ratio <= 1.25,
      "see the Scale section for the route and whether its CPU moved too.",
    );
    row(
      `${n0(sc.large.posts)} vs ${n0(sc.small.posts)} posts: CPU per request within 1.25× (worst route; wrangler dev / in-process)`,
      `${f(sc.worstCpuRatio)}× / ${f(sc.worstInprocCpuRatio)}×`,
      sc.worstCpuRatio <= 1.25 && sc.worstInprocCpuRatio <= 1.25,
      "see the Scale section (SQLite time is shown apart there).",
    );
  }
  if (d.bundle)
    row(
      "Worker bundle ≤ 1 MiB gzip",
      `${f(d.bundle.gzipBytes / 1024, 1)} KiB gzip (${f(d.bundle.bytes / 1024, 0)} KiB raw)`,
      d.bundle.gzipBytes <= 2 ** 20,
      "",
    );
  if (d.kill)
    row(
      `seed SIGKILLed at random points, then re-run: database equals a clean run's (${d.kill.trials.length} trials, ${n0(d.kill.posts)} posts)`,
      `${d.kill.trials.filter((t) => t.ok).length}/${d.kill.trials.length} equal`,
      d.kill.allEqual && (d.kill.trials.length >= 5 || results.kill?.quick === true),
      d.kill.allEqual ? "fewer than 5 trials" : "see the table of trials.",
    );
  if (d.load)
    row(
      `load test: zero failed requests (${d.load.connections} connections, ${f(d.load.seconds, 0)} s, mixed routes)`,
      `${n0(d.load.failures)} failed of ${n0(d.load.requests)}`,
      d.load.failures === 0 && d.load.pairedOk,
      "see the load test section.",
    );
  p("");

  // ---- Seed
  p("## Bulk seed", "", stamp(results.seed), "");
  if (d.seed) {
    const s = d.seed;
    p(
      "| posts | runs | wall time s | posts/s | peak RSS, seed process (MiB) | peak RSS, whole tree (MiB) | largest single process per run |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      `| ${n0(s.posts)} | ${s.runs.length} | ${fmtSpread(s.seconds, 1)} | ${fmtSpread(s.postsPerSecond, 0)} | ${fmtSpread(s.peakWorkMiB, 0)} | ${fmtSpread(s.peakTreeMiB, 0)} | ${s.runs.map((r) => r.peakProcess.replace(/^MainThread/, "node")).join("; ")} |`,
      "",
    );
    const split = s.runs.map((r) => r.split).filter(Boolean) as { parse: number; database: number }[];
    p(
      `Every timed run starts with the corpus in the page cache (the dry run goes first and reads every file once, as a maintainer's seed runs right after the files were written or pulled); with a cold cache a run also waits for the disk. Where the time goes: a \`--dry-run\` of the same corpus into a folder with no database (reads and parses every file, opens no database) takes ${f(s.dryRun.seconds, 1)} s, i.e. ${n0(s.dryRun.postsPerSecond)} posts/s for parsing alone${split.length ? `; the seed's own timing line reports its main thread waiting ${split.map((x) => f(x.parse, 1)).join(", ")} s for parsed files and writing ${split.map((x) => f(x.database, 1)).join(", ")} s per run (the threads parse ahead while it writes)` : ""}.`,
      d.writepath
        ? `The two halves apart (\`npm run bench -- --only writepath\`, run ${results.writepath?.at.slice(0, 16).replace("T", " ")} UTC, commit ${results.writepath?.machine.commit}, load ${f(results.writepath?.loadBefore)}): on the first ${n0(d.writepath.posts)} posts, parsing on one thread runs at ${n0(d.writepath.parsePostsPerSecond)} posts/s, and the seed's write (src/db/sync over the local executor, node:sqlite into the D1 file) at ${n0(d.writepath.sqlPostsPerSecond)} posts/s. The seed parses on worker threads (one per core) while its main thread writes, so on ${results.seed?.machine.cores ?? "?"} cores parsing, writing and the threads' hand-over share the CPU; the bulk seed reaches ${n0(s.postsPerSecond.median)} posts/s.`
        : "",
      "",
      "Memory is sampled every 50 ms from /proc over the seed's whole process tree: npm → with-node → the Node process running scripts/seed.ts (its parse threads live inside it; the local D1 is a SQLite file it writes itself, no workerd). The first memory column counts the process that does the work; the launchers above it are idle but resident, and the whole-tree column includes them.",
      "",
      code(s.commands),
      "",
    );
  }

  // ---- Publish
  p("## Publishing one post, and Jekyll", "", stamp(results.publish), "");
  if (d.publish) {
    const pb = d.publish;
    p(
      "| what | wall time s |",
      "| --- | --- |",
      `| \`npm run seed\` of one new post into ${n0(pb.small.posts)} posts | ${fmtSpread(pb.small.seconds)} |`,
      `| \`npm run seed\` of one new post into ${n0(pb.main.posts)} posts | ${fmtSpread(pb.main.seconds)} |`,
    );
    if ("seconds" in pb.jekyll)
      p(
        `| \`jekyll build\` of ${n0(pb.jekyll.posts)} posts (${pb.jekyll.version} + jekyll-feed) | ${fmtSpread(pb.jekyll.seconds, 1)} |`,
      );
    else p(`| jekyll | ${pb.jekyll.skipped} |`);
    p(
      "",
      "Fixed costs inside every publish, measured alone:",
      "",
      "| part | wall time s |",
      "| --- | --- |",
      `| npm + with-node + Node + the seed's static imports (\`npm run seed -- --help\`) | ${fmtSpread(pb.fixed.npmHelp)} |`,
      `| the same without npm and with-node (\`node --import ./scripts/ts-hooks.mjs scripts/seed.ts --help\`) | ${fmtSpread(pb.fixed.nodeHelp)} |`,
      `| Node alone (\`node -e 0\`) | ${fmtSpread(pb.fixed.nodeBare)} |`,
      "",
    );
    const rest = pb.main.seconds.median - pb.fixed.npmHelp.median;
    p(
      `So of the ${f(pb.main.seconds.median)} s, about ${f(pb.fixed.npmHelp.median - pb.fixed.nodeHelp.median)} s is npm and the with-node launcher, ${f(pb.fixed.nodeHelp.median - pb.fixed.nodeBare.median)} s loading the seed's code (markdown-it, sanitize-html, yaml; Node's compile cache keeps it short) and ${f(pb.fixed.nodeBare.median)} s starting Node; the remaining ~${f(rest)} s is reading wrangler.toml, opening the D1 file, the migrations check, parsing the post, one hash lookup and one transaction. None of it depends on the number of stored posts (compare the two databases).`,
      "",
      code(pb.commands),
      "",
    );
  }

  // ---- Serving
  p("## Serving", "", stamp(results.serving), "");
  if (sv) {
    p(
      `Database: ${n0(sv.posts)} generated posts (full bodies). Article: \`${sv.picked.article.path}\` (median body size of a sample, ${n0(sv.picked.article.bodyBytes)} bytes of HTML); category: \`${sv.picked.category.name}\` (${n0(sv.picked.category.posts)} posts). ${sv.wrkSettings}.`,
      "",
      ...servingTable(sv),
      "",
      "How to read it:",
      "",
      "- **edge hit**: one fixed URL, fetched once before the run, so every request is answered from the Cache API copy (`X-Cache: HIT`, counted by the Lua script). **render**: every request carries its own `?_b=<n>` (scripts/bench/lua/unique.lua); the cache is keyed by the full URL, routes ignore the parameter, so every request misses, queries D1 and renders (`X-Cache: MISS`), and also writes its copy into the cache. For the **304** rows the request sends `If-None-Match` with the current ETag: on the edge-hit row the cached copy answers; on the render row the URL was never fetched with GET (its ETag came from a HEAD, which stores nothing), so the route's validator query answers without rendering. `/healthz` and the share redirect are not cached.",
      "- **workerd CPU ms/request**: utime+stime from /proc/<pid>/stat of all workerd processes of that `wrangler dev` (its proxy and its runtime, which also runs the local D1 and Cache API), before and after the run, ÷ requests. **× /healthz** and **above /healthz** compare with the /healthz run of the same round.",
      "- **in-process**: the bundle from `wrangler deploy --dry-run` imported into Node and its `fetch()` called directly with a D1 binding over the same SQLite file (node:sqlite), no wrangler dev, no cache (scripts/bench/lib/inproc.ts). `process.cpuUsage()` over many requests; time inside SQLite is measured apart and excluded from the last column, because on Cloudflare a D1 query runs in the database, not in the Worker's CPU time. This is the closest local estimate of the Worker CPU that the 10 ms limit counts.",
      `- wrangler's own Node process used ${f(sv.nodeCpuShare * 100, 1)}% of the CPU the wrangler dev tree used during these runs (it is not on the request path).`,
      "",
      `Responses seen (status/X-Cache × count): ${statuses(sv)}.`,
      "",
      code(sv.commands),
      "",
    );
    const hz = route(sv, "healthz", "direct");
    const art = route(sv, "article", "render");
    if (hz?.wrk && art?.wrk && art.inproc && hz.inproc) {
      p(
        `Local overhead vs Worker CPU: /healthz, which does no database work and renders a 11-byte JSON body, costs ${f(hz.wrk.cpuMs.median)} ms of workerd CPU under wrangler dev but ${f(hz.inproc.cpuMs.median, 3)} ms in process; that difference is wrangler dev's proxy, HTTP handling and Miniflare plumbing, paid on every request. Above it, the rendered article costs ${f(art.wrk.cpuAboveMs.median)} ms under wrangler dev, of which the Worker's own JavaScript is ${f(art.inproc.workerAboveMs.median, 3)} ms in process and SQLite ${f(art.inproc.sqlMs.median, 3)} ms; the rest is the local D1 and Cache API machinery (request serialisation to the D1 Durable Object, cache.put of the rendered page to disk).`,
        "",
      );
    }
  }

  // ---- Profile
  if (d.profile) {
    p("### Where the Worker's render time goes", "", stamp(results.profile), "");
    p(
      "Self time of V8's sampling profiler over the in-process requests (share of the non-idle samples), by package of the bundle and by function; native code (RegExp, JSON, SQLite) is charged to the JavaScript that called it. `(bench harness …)` is the D1 shim and SQLite itself (D1's side on Cloudflare); `(Node …)` is Node's own Request/Response and text encoding, which workerd does natively. The profiler roughly doubles the CPU per request, so the CPU column is only for orientation.",
      "",
      "| route | CPU ms/request (in-process, profiler attached) | top packages | top functions |",
      "| --- | --- | --- | --- |",
      ...d.profile.routes.map(
        (r) =>
          `| ${r.label} | ${f(r.cpuMs, 3)} | ${r.packages.map((x) => `${x.name} ${f(x.share * 100, 0)}%`).join("; ")} | ${r.functions
            .slice(0, 5)
            .map((x) => `\`${x.name.replace(/\|/g, "\\|")}\` ${f(x.share * 100, 0)}%`)
            .join("; ")} |`,
      ),
      "",
    );
  }

  // ---- Scale
  p(
    `## Scale: ${d.scale ? `${n0(d.scale.large.posts)} vs ${n0(d.scale.small.posts)}` : "1,000,000 vs 10,000"} posts`,
    "",
    stamp(results.scale),
    "",
  );
  if (d.scale) {
    const sc = d.scale;
    p(
      `Two databases built the same way from the same generator with bodies cut to their first paragraph (≤240 characters): ${n0(sc.small.posts)} posts (${mib(sc.small.fileBytes)}, built in ${f(sc.small.buildSeconds, 0)} s) and ${n0(sc.large.posts)} posts (${mib(sc.large.fileBytes)}, built in ${f(sc.large.buildSeconds, 0)} s). Same method as the serving table; the two databases are served side by side and every measurement alternates between them, so each run of one has a twin run of the other taken under the same machine load. Ratios are the median of the run-by-run ratios.`,
      "",
      `| route | median latency ms, ${n0(sc.small.posts)} → ${n0(sc.large.posts)} | ratio | workerd CPU ms/request | ratio | in-process CPU ms (SQLite) | ratio |`,
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const c of sc.comparison) {
      const a = route(sc.servingSmall, c.key, c.mode);
      const b = route(sc.servingLarge, c.key, c.mode);
      p(
        `| ${c.label} — ${c.mode} | ${f(a?.wrk?.p50Ms.median, 1)} → ${f(b?.wrk?.p50Ms.median, 1)} | ${f(c.p50Ratio)}× | ${f(a?.wrk?.cpuMs.median)} → ${f(b?.wrk?.cpuMs.median)} | ${f(c.cpuRatio)}× | ${a?.inproc ? `${f(a.inproc.cpuMs.median, 3)} (${f(a.inproc.sqlMs.median, 3)}) → ${f(b?.inproc?.cpuMs.median, 3)} (${f(b?.inproc?.sqlMs.median, 3)})` : "—"} | ${a?.inproc ? `${f(c.inprocCpuRatio)}×` : "—"} |`,
      );
    }
    p(
      "",
      `Picked routes: ${n0(sc.servingSmall.posts)} posts — \`${sc.servingSmall.picked.article.path}\`, category \`${sc.servingSmall.picked.category.name}\` (${n0(sc.servingSmall.picked.category.posts)} posts); ${n0(sc.servingLarge.posts)} posts — \`${sc.servingLarge.picked.article.path}\`, category \`${sc.servingLarge.picked.category.name}\` (${n0(sc.servingLarge.picked.category.posts)} posts).`,
      "",
      code(sc.commands),
      "",
    );
  }

  // ---- Load
  p("## Load test", "", stamp(results.load), "");
  if (d.load) {
    const l = d.load;
    p(
      `${n0(l.requests)} requests in ${f(l.seconds, 1)} s (${f(l.rps, 0)} req/s) over ${l.connections} connections, drawn at random from ${n0(l.urls)} real URLs of the ${results.load?.quick ? "quick" : "main"} database; latency p50 ${f(l.latencyMs.p50, 0)} ms, p90 ${f(l.latencyMs.p90, 0)} ms, p99 ${f(l.latencyMs.p99, 0)} ms; workerd CPU ${f(l.cpuMsPerRequest)} ms/request.`,
      "",
      "| | count |",
      "| --- | --- |",
      ...Object.entries(l.sent)
        .sort()
        .map(([k, v]) => `| sent: ${k} | ${n0(v)} |`),
      ...Object.entries(l.status)
        .sort()
        .map(([k, v]) => `| answered ${k} | ${n0(v)} |`),
      `| unexpected statuses (not 200/301/304/404) | ${n0(l.unexpected)} |`,
      `| socket errors: connect / read / write / timeout (wrk --timeout 10s) | ${l.errors.connect} / ${l.errors.read} / ${l.errors.write} / ${l.errors.timeout} |`,
      `| **failed requests** | **${n0(l.failures)}** |`,
      "",
      `Responses per status against requests sent of the kinds that expect it (wrk does not pair them; up to ${l.connections} can be in flight at the end): ${l.statusMatch.map((m) => `${m.status}: ${n0(m.got)} of ${n0(m.sent)}`).join(", ")} — ${l.pairedOk ? "consistent" : "**inconsistent**"}.`,
      "",
      code(l.commands),
      "",
    );
  }

  // ---- Kill
  p("## Seed under faults (SIGKILL at random points)", "", stamp(results.kill), "");
  if (d.kill) {
    const k = d.kill;
    p(
      `Reference: a clean run of ${n0(k.posts)} posts (${f(k.cleanSeconds, 1)} s). Each trial kills the seed's whole process group with SIGKILL at a random moment (odd trials: uniform over the clean run's duration, so start-up and migrations can be hit; even trials: a random moment after the first rows have landed), then runs the same command again to completion and compares the database with the reference (posts: every column but id/created_at/updated_at, by slug; post_terms by slug; terms).`,
      "",
      "| trial | kill moment | killed after ms | posts stored at kill | re-run: inserted / unchanged / updated / rejected | missing | extra | differing | duplicated | post_terms diff | orphan post_terms | terms diff | equal |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...k.trials.map(
        (t) =>
          `| ${t.trial} | ${"mode" in t ? (t.mode === "writing" ? "after the first rows landed" : "uniform over the run") : "uniform over the run"} | ${t.killAtMs} | ${n0(t.postsAtKill)} | ${t.rerun.inserted} / ${t.rerun.unchanged} / ${t.rerun.updated} / ${t.rerun.rejected} | ${t.diff.missing} | ${t.diff.extra} | ${t.diff.differing} | ${t.diff.duplicated} | ${t.diff.postTermsDiff} | ${t.diff.orphanPostTerms} | ${t.diff.termsDiff} | ${t.ok ? "yes" : "**no**"} |`,
      ),
      "",
      code(k.commands),
      "",
    );
  }

  // ---- Bundle
  p("## Worker bundle", "", stamp(results.bundle), "");
  if (d.bundle) {
    p(
      "| file | bytes | gzip -9 bytes |",
      "| --- | --- | --- |",
      ...d.bundle.files.map((x) => `| ${x.file} | ${n0(x.bytes)} | ${n0(x.gzipBytes)} |`),
      "",
      code(d.bundle.commands),
      "",
    );
  }

  p(
    "## Database size",
    "",
    `Measured row and index sizes, and how many posts fit in one D1 database: see [${scalingPath}](${scalingPath}).`,
    "",
  );
  p(`<!-- ${MARK}${JSON.stringify(results).replace(/--/g, "-\\u002d")} -->`, "");
  return L.join("\n");
}

const KEEP_OPEN = "<!-- preserved:seed-throughput -->";
const KEEP_CLOSE = "<!-- /preserved:seed-throughput -->";

/**
 * A hand-written "Seed throughput" section (the seed script's author documents their
 * measurements there) survives regeneration: it is carried into the Bulk seed section,
 * marked as not regenerated, instead of being overwritten.
 */
function preservedSeedNotes(file: string): string | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const a = text.indexOf(KEEP_OPEN);
  const b = text.indexOf(KEEP_CLOSE);
  if (a >= 0 && b > a) return text.slice(a + KEEP_OPEN.length, b).trim();
  const m = /^## Seed throughput[^\n]*\n([\s\S]*?)(?=^## |^<!-- bench-results|(?![\s\S]))/m.exec(text);
  return m ? (m[1] as string).trim() : null;
}

export function writeDocs(results: Results, out: string, scalingOut: string): void {
  mkdirSync(dirname(out), { recursive: true });
  mkdirSync(dirname(scalingOut), { recursive: true });
  const toScaling = relative(dirname(out), scalingOut) || scalingOut;
  const toBench = relative(dirname(scalingOut), out) || out;
  let doc = benchmarksDoc(results, toScaling);
  const notes = preservedSeedNotes(out);
  if (notes) {
    const block = [
      "### Seed throughput: notes from the seed work",
      "",
      "_Kept from the hand-written section of the seed script's author. The numbers in the table above are regenerated by `npm run bench -- --only seed`; the ones below are not, and may describe an earlier version of the seed._",
      "",
      KEEP_OPEN,
      notes,
      KEEP_CLOSE,
      "",
      "",
    ].join("\n");
    doc = doc.replace("## Publishing one post, and Jekyll", `${block}## Publishing one post, and Jekyll`);
  }
  writeFileSync(out, doc);
  writeFileSync(scalingOut, scalingDoc(results, toBench));
}
