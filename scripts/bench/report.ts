/**
 * @module scripts/bench/report
 * Fills the generated blocks of docs/benchmarks.md and docs/scaling.md from
 * docs/benchmarks.json. The documents are written by hand; only the text
 * between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` is replaced, with
 * tables and figures from the results (so prose never lives in TypeScript
 * and no number in a block is typed by hand).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { ServingResult } from "./lib/serving";
import { fmtSpread, type Spread, spread as spreadOf } from "./lib/stats";
import { type Results, type SuiteResult, typed } from "./results";

const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const pass = (ok: boolean | undefined) => (ok === undefined ? "not run" : ok ? "**pass**" : "**FAIL**");
const code = (lines: string[]) => ["```sh", ...lines, "```"];
const D1_MAX = 10 * 1000 ** 3;
/** Publishing rates to size the archive by (inputs, not measurements; the old site's scraper: ~3,000 a day). */
const RATES = [1000, 3000, 10000];

function stamp(r: SuiteResult | undefined): string[] {
  if (!r) return ["_Not run yet._"];
  return [
    `_Run ${r.at.slice(0, 16).replace("T", " ")} UTC, commit ${r.machine.commit}, ${r.seconds.toFixed(0)} s, 1-min load average ${f(r.load.min)}–${f(r.load.max)} (mean ${f(r.load.mean)})${r.quick ? ", **quick sizes**" : ""}; \`npm run bench -- --only ${r.suite}${r.quick ? " --quick" : ""}\`._`,
    "",
  ];
}

const route = (s: ServingResult | undefined, key: string, mode: string) =>
  s?.routes.find((r) => r.key === key && r.mode === mode);

function worstFeed(s: ServingResult | undefined, pick: (r: NonNullable<ReturnType<typeof route>>) => Spread | undefined) {
  let worst: Spread | undefined;
  for (const k of ["atom", "rss", "json"]) {
    const r = route(s, k, "render");
    const v = r && pick(r);
    if (v && (!worst || v.median > worst.median)) worst = v;
  }
  return worst;
}

type Block = (r: Results) => string[];

const machine: Block = (results) => {
  const all = Object.values(results);
  const m = all[0]?.machine;
  if (!m) return ["_No results yet._"];
  return [
    "| CPU | cores | RAM | Node |",
    "| --- | --- | --- | --- |",
    `| ${m.cpu} | ${m.cores} | ${m.ramGiB} GiB | ${m.node} |`,
    "",
    "| suite | run at (UTC) | commit | duration | 1-min load average just before | during (min–max, mean) | sizes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...all.map(
      (r) =>
        `| ${r.suite} | ${r.at.slice(0, 16).replace("T", " ")} | ${r.machine.commit} | ${r.seconds.toFixed(0)} s | ${f(r.loadBefore)} | ${f(r.load.min)}–${f(r.load.max)}, ${f(r.load.mean)} | ${r.quick ? "quick" : "full"} |`,
    ),
  ];
};

const targets: Block = (results) => {
  const d = typed(results);
  const L = ["| target | measured | result |", "| --- | --- | --- |"];
  const row = (target: string, measured: string, ok: boolean | undefined) => L.push(`| ${target} | ${measured} | ${pass(ok)} |`);
  if (d.seed) {
    row(
      `bulk seed ≥ 2,500 posts/s (${n0(d.seed.posts)} posts)`,
      `${fmtSpread(d.seed.postsPerSecond, 0)} posts/s`,
      d.seed.postsPerSecond.median >= 2500,
    );
    row(
      "seed peak memory ≤ 512 MiB (the seed's process with its parse threads)",
      `${fmtSpread(d.seed.peakWorkMiB, 0)} MiB`,
      d.seed.peakWorkMiB.max <= 512,
    );
  }
  if (d.publish) {
    const p = d.publish;
    row(`publish one post ≤ 1 s into ${n0(p.small.posts)} posts`, `${fmtSpread(p.small.seconds)} s`, p.small.seconds.median <= 1);
    row(`publish one post ≤ 1 s into ${n0(p.main.posts)} posts`, `${fmtSpread(p.main.seconds)} s`, p.main.seconds.median <= 1);
    const ratio = p.main.seconds.median / p.small.seconds.median;
    row(`publish time flat (${n0(p.main.posts)} vs ${n0(p.small.posts)} posts, within 1.25×)`, `${f(ratio)}×`, ratio <= 1.25);
  }
  const sv = d.serving;
  if (sv) {
    const cpu = (label: string, limit: number, s: Spread | undefined) =>
      row(
        `${label} ≤ ${limit} ms Worker CPU above /healthz (in-process, SQLite excluded)`,
        `${fmtSpread(s, 3)} ms`,
        s ? s.median <= limit : undefined,
      );
    cpu("article render", 0.5, route(sv, "article", "render")?.inproc?.workerAboveMs);
    cpu(
      "20-item feed render, worst format",
      1.5,
      worstFeed(sv, (r) => r.inproc?.workerAboveMs),
    );
    cpu("304 revalidation", 0.2, route(sv, "304", "render")?.inproc?.workerAboveMs);
  }
  if (d.firehose) {
    const h = d.firehose;
    row(
      `live day (${n0(h.posts)} posts over 24 h): the site feed holds every post of the last 2 h`,
      `${n0(h.siteEntries)} entries, ${n0(h.lastTwoHours)} posts in the last 2 h`,
      h.siteEntries >= h.lastTwoHours,
    );
    row(
      `live day: every category with ≤ ${n0(h.window.maxItems)} posts a day holds the whole day, busier ones at least their last 2 h`,
      `${n0(h.categoriesWholeDay)} + ${n0(h.categoriesBusyOk)} of ${n0(h.categories)} categories`,
      h.failures.length === 0 && h.categoriesWholeDay + h.categoriesBusyOk === h.categories,
    );
    row(
      "no feed document over 2 MB",
      `largest: Atom ${f(h.maxDocumentBytes.atom / 1e6, 2)} MB, RSS ${f(h.maxDocumentBytes.rss / 1e6, 2)} MB, JSON ${f(h.maxDocumentBytes.json / 1e6, 2)} MB`,
      Math.max(h.maxDocumentBytes.atom, h.maxDocumentBytes.rss, h.maxDocumentBytes.json) <= h.capBytes,
    );
    const worst = ["atom-1000", "rss-1000", "json-1000"]
      .map((k) => h.inproc[k]?.workerAboveMs)
      .reduce<Spread | undefined>((a, b) => (b && (!a || b.median > a.median) ? b : a), undefined);
    row(
      "1,000-entry feed render ≤ 10 ms Worker CPU above /healthz (in-process, SQLite excluded, worst format)",
      `${fmtSpread(worst, 3)} ms`,
      worst ? worst.median <= 10 : undefined,
    );
  }
  if (d.search) {
    const x = d.search;
    const worst = x.rows
      .filter((r) => ["2", "2-common", "3", "6", "ticker"].includes(r.key))
      .reduce((a, r) => (r.cpuMs.median > a.cpuMs.median ? r : a));
    row(
      `search at ${n0(x.posts)} posts: median ≤ 20 ms in-process, SQLite included (worst of the 2-, 3-, 6-character and ticker queries)`,
      `${fmtSpread(worst.cpuMs, 2)} ms CPU (${worst.label}), wall ${fmtSpread(worst.wallMs, 2)} ms`,
      worst.cpuMs.median <= 20 && worst.wallMs.median <= 20,
    );
    row(
      "search index ≤ +50 % bytes per post",
      `+${f((x.perPost.index / x.perPost.rest) * 100, 1)} % (${n0(x.perPost.index)} on ${n0(x.perPost.rest)} bytes)`,
      x.perPost.index / x.perPost.rest <= 0.5,
    );
  }
  if (d.scale) {
    const s = d.scale;
    row(
      `${n0(s.large.posts)} vs ${n0(s.small.posts)} posts: median latency within 1.25× (worst route)`,
      `${f(s.worstP50Ratio)}×`,
      s.worstP50Ratio <= 1.25,
    );
    row(
      `${n0(s.large.posts)} vs ${n0(s.small.posts)} posts: CPU per request within 1.25× (worst route; wrangler dev / in-process)`,
      `${f(s.worstCpuRatio)}× / ${f(s.worstInprocCpuRatio)}×`,
      s.worstCpuRatio <= 1.25 && s.worstInprocCpuRatio <= 1.25,
    );
  }
  if (d.archive) {
    const a = d.archive;
    const what = `${a.databases} databases × ${n0(a.perDatabase)} vs 1 × ${n0(a.perDatabase)} posts`;
    row(
      `${what}: median latency within 1.25× (worst of article, share link, category page, feeds)`,
      `${f(a.worstP50Ratio)}×`,
      a.worstP50Ratio <= 1.25,
    );
    row(
      `${what}: CPU per request within 1.25× (worst route; wrangler dev / in-process)`,
      `${f(a.worstCpuRatio)}× / ${f(a.worstInprocCpuRatio)}×`,
      a.worstCpuRatio <= 1.25 && a.worstInprocCpuRatio <= 1.25,
    );
    row(`publish one post ≤ 1 s into ${a.databases} databases`, `${fmtSpread(a.publishMany)} s`, a.publishMany.max <= 1);
  }
  if (d.bundle) row("Worker bundle ≤ 1 MiB gzip", `${f(d.bundle.gzipBytes / 1024, 1)} KiB gzip`, d.bundle.gzipBytes <= 2 ** 20);
  if (d.kill)
    row(
      `seed killed at random points, then re-run: equal to a clean run (${d.kill.trials.length} trials)`,
      `${d.kill.trials.filter((t) => t.ok).length}/${d.kill.trials.length} equal`,
      d.kill.allEqual,
    );
  if (d.load)
    row(
      `load: zero failed requests (${d.load.connections} connections, ${f(d.load.seconds, 0)} s, mixed routes)`,
      `${n0(d.load.failures)} failed of ${n0(d.load.requests)}`,
      d.load.failures === 0 && d.load.pairedOk,
    );
  if (d.load?.publishing)
    row(
      "load: posts published through the API meanwhile at ≥ 10 a second, none failed or lost",
      `${f(d.load.publishing.perSecond, 1)}/s, ${n0(d.load.publishing.failures)} failed, ${n0(d.load.publishing.lost)} lost of ${n0(d.load.publishing.attempted)}`,
      d.load.publishing.perSecond >= 10 && d.load.publishing.failures === 0 && d.load.publishing.lost === 0,
    );
  if (d.ingest) {
    const i = d.ingest.incremental;
    row(`re-run over ${n0(i.posts)} unchanged files ≤ 2 s`, `${fmtSpread(i.seconds)} s`, i.seconds.median <= 2);
    if (i.large) {
      const large = spreadOf(i.large.runs.map((r) => r.seconds));
      row(`re-run over ${n0(i.large.count)} unchanged files ≤ 20 s`, `${fmtSpread(large, 1)} s`, large.median <= 20);
    }
  }
  return L;
};

const seed: Block = (results) => {
  const s = typed(results).seed;
  if (!s) return stamp(undefined);
  return [
    ...stamp(results.seed),
    "| posts | runs | wall time s | posts/s | peak RSS, seed process (MiB) | peak RSS, whole tree (MiB) | parse only (dry run) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| ${n0(s.posts)} | ${s.runs.length} | ${fmtSpread(s.seconds, 1)} | ${fmtSpread(s.postsPerSecond, 0)} | ${fmtSpread(s.peakWorkMiB, 0)} | ${fmtSpread(s.peakTreeMiB, 0)} | ${f(s.dryRun.seconds, 1)} s, ${n0(s.dryRun.postsPerSecond)} posts/s |`,
    "",
    ...code(s.commands),
  ];
};

const publish: Block = (results) => {
  const p = typed(results).publish;
  if (!p) return stamp(undefined);
  return [
    ...stamp(results.publish),
    "| what | wall time s |",
    "| --- | --- |",
    `| \`npm run seed\` of one new post into ${n0(p.small.posts)} posts | ${fmtSpread(p.small.seconds)} |`,
    `| \`npm run seed\` of one new post into ${n0(p.main.posts)} posts | ${fmtSpread(p.main.seconds)} |`,
    "seconds" in p.jekyll
      ? `| \`jekyll build\` of ${n0(p.jekyll.posts)} posts (${p.jekyll.version} + jekyll-feed) | ${fmtSpread(p.jekyll.seconds, 1)} |`
      : `| jekyll | ${p.jekyll.skipped} |`,
    `| of which fixed: npm + with-node + Node + the seed's imports (\`npm run seed -- --help\`) | ${fmtSpread(p.fixed.npmHelp)} |`,
    `| of which fixed: the same without npm and with-node | ${fmtSpread(p.fixed.nodeHelp)} |`,
    `| of which fixed: Node alone (\`node -e 0\`) | ${fmtSpread(p.fixed.nodeBare)} |`,
    "",
    ...code(p.commands),
  ];
};

function servingRows(s: ServingResult): string[] {
  const mode: Record<string, string> = { hit: "edge hit", render: "render", direct: "(not cached)" };
  return [
    "| route | req/s | median latency ms | workerd CPU ms/request | above /healthz | in-process CPU ms (of which SQLite) | Worker CPU above /healthz, ms | queries |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...s.routes.map((r) => {
      const w = r.wrk;
      const ip = r.inproc;
      return `| ${r.label} — ${mode[r.mode]} | ${fmtSpread(w?.rps, 0)} | ${fmtSpread(w?.p50Ms, 1)} | ${fmtSpread(w?.cpuMs, 2)} | ${r.key === "healthz" ? "—" : fmtSpread(w?.cpuAboveMs, 2)} | ${ip ? `${fmtSpread(ip.cpuMs, 3)} (${f(ip.sqlMs.median, 3)})` : "—"} | ${ip && r.key !== "healthz" ? fmtSpread(ip.workerAboveMs, 3) : "—"} | ${ip ? f(ip.queries, 1) : "—"} |`;
    }),
  ];
}

const serving: Block = (results) => {
  const s = typed(results).serving;
  if (!s) return stamp(undefined);
  return [
    ...stamp(results.serving),
    `Database: ${n0(s.posts)} generated posts. Article \`${s.picked.article.path}\` (${n0(s.picked.article.bodyBytes)} bytes of HTML); category \`${s.picked.category.name}\` (${n0(s.picked.category.posts)} posts). ${s.wrkSettings}.`,
    "",
    ...servingRows(s),
    "",
    `Responses seen (status/X-Cache × count): ${s.routes
      .map(
        (r) =>
          `${r.key}/${r.mode} ${Object.entries(r.wrk?.statuses ?? {})
            .map(([k, v]) => `${k}×${v}`)
            .join(" ")}`,
      )
      .join("; ")}.`,
    "",
    ...code(s.commands),
  ];
};

const scale: Block = (results) => {
  const s = typed(results).scale;
  if (!s) return stamp(undefined);
  const L = [
    ...stamp(results.scale),
    `${n0(s.small.posts)} posts (${f(s.small.fileBytes / 2 ** 20, 0)} MiB) against ${n0(s.large.posts)} posts (${f(s.large.fileBytes / 2 ** 20, 0)} MiB), served side by side, runs alternating.`,
    "",
    `| route | median latency ms, ${n0(s.small.posts)} → ${n0(s.large.posts)} | ratio | workerd CPU ms/request | ratio | in-process CPU ms | ratio |`,
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of s.comparison) {
    const a = route(s.servingSmall, c.key, c.mode);
    const b = route(s.servingLarge, c.key, c.mode);
    L.push(
      `| ${c.label} — ${c.mode} | ${f(a?.wrk?.p50Ms.median, 1)} → ${f(b?.wrk?.p50Ms.median, 1)} | ${f(c.p50Ratio)}× | ${f(a?.wrk?.cpuMs.median)} → ${f(b?.wrk?.cpuMs.median)} | ${f(c.cpuRatio)}× | ${a?.inproc ? `${f(a.inproc.cpuMs.median, 3)} → ${f(b?.inproc?.cpuMs.median, 3)}` : "—"} | ${a?.inproc ? `${f(c.inprocCpuRatio)}×` : "—"} |`,
    );
  }
  return [...L, "", ...code(s.commands)];
};

const archive: Block = (results) => {
  const a = typed(results).archive;
  if (!a?.servingOne || !a.servingMany) return stamp(undefined);
  const L = [
    ...stamp(results.archive),
    `${a.databases} databases, ${n0(a.many.posts)} posts, against 1 database of ${n0(a.one.posts)} posts (the same posts as the archive's newest database), served side by side, runs alternating. Article and share link: in the archive, a post of ${/\/(\d{4})\/\d{2}\/\d{2}\//.exec(a.servingMany.picked.article.path)?.[1] ?? "an old year"} (database found by its date); category and feeds: \`${a.servingMany.picked.category.name}\` (${n0(a.servingMany.picked.category.posts)} posts in the newest database).`,
    "",
    "| database | first local day | posts | file MiB |",
    "| --- | --- | --- | --- |",
    ...a.layout.map(
      (d) => `| ${d.binding} | ${d.from ?? "(everything before the next)"} | ${n0(d.posts)} | ${f(d.fileBytes / 2 ** 20, 0)} |`,
    ),
    "",
    "| route | median latency ms, 1 → " +
      a.databases +
      " databases | ratio | workerd CPU ms/request | ratio | in-process CPU ms | ratio | queries (databases asked) per request |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of a.comparison) {
    const x = route(a.servingOne, c.key, c.mode);
    const y = route(a.servingMany, c.key, c.mode);
    const q = (r: typeof x) => (r?.inproc ? `${f(r.inproc.queries, 1)} (${r.inproc.databases})` : "—");
    L.push(
      `| ${c.label} — ${c.mode} | ${f(x?.wrk?.p50Ms.median, 1)} → ${f(y?.wrk?.p50Ms.median, 1)} | ${f(c.p50Ratio)}× | ${f(x?.wrk?.cpuMs.median)} → ${f(y?.wrk?.cpuMs.median)} | ${f(c.cpuRatio)}× | ${x?.inproc ? `${f(x.inproc.cpuMs.median, 3)} → ${f(y?.inproc?.cpuMs.median, 3)}` : "—"} | ${x?.inproc ? `${f(c.inprocCpuRatio)}×` : "—"} | ${x?.inproc ? `${q(x)} → ${q(y)}` : "—"} |`,
    );
  }
  L.push(
    "",
    `Publishing one new post with \`npm run seed\`: 1 database ${fmtSpread(a.publishOne)} s, ${a.databases} databases ${fmtSpread(a.publishMany)} s.`,
    "",
    ...code(a.commands),
  );
  return L;
};

/** The archive benchmark in a few lines, for docs/scaling.md. */
const archiveSummary: Block = (results) => {
  const a = typed(results).archive;
  if (!a?.servingOne || !a.servingMany) return stamp(undefined);
  const L = [
    ...stamp(results.archive),
    `| route (render path) | Worker CPU in process, 1 → ${a.databases} databases | ratio | median latency through wrangler dev | databases asked |`,
    "| --- | --- | --- | --- | --- |",
  ];
  for (const c of a.comparison) {
    if (c.mode === "hit" || c.key === "healthz") continue;
    const x = route(a.servingOne, c.key, c.mode);
    const y = route(a.servingMany, c.key, c.mode);
    L.push(
      `| ${c.label} | ${f(x?.inproc?.cpuMs.median, 3)} → ${f(y?.inproc?.cpuMs.median, 3)} ms | ${f(c.inprocCpuRatio)}× | ${f(x?.wrk?.p50Ms.median, 1)} → ${f(y?.wrk?.p50Ms.median, 1)} ms (${f(c.p50Ratio)}×) | ${y?.inproc?.databases ?? "n/a"} |`,
    );
  }
  L.push(
    "",
    `Publishing one post: ${fmtSpread(a.publishOne)} s into one database, ${fmtSpread(a.publishMany)} s into ${a.databases}.`,
  );
  return L;
};

const search: Block = (results) => {
  const x = typed(results).search;
  if (!x) return stamp(undefined);
  const rest = x.perPost.rest;
  return [
    ...stamp(results.search),
    `${n0(x.posts)} generated posts with whole bodies in one database (built in ${n0(x.buildSeconds)} s through the seed's write path, index included): ${f(x.fileBytes / 2 ** 30, 2)} GiB, of which the index (\`post_search\`, its shadow tables and \`posts_search_key\`) ${f(x.indexBytes / 2 ** 30, 2)} GiB: **${n0(x.perPost.index)} bytes per post on top of ${n0(rest)}, +${f((x.perPost.index / rest) * 100, 1)} %**.`,
    "",
    "Each search asked of the bundle's own fetch handler in this process over the SQLite file: CPU per request (Worker JavaScript and SQLite together), of which SQLite, and wall time; median of the runs (range).",
    "",
    "| search | query | posts holding it | CPU ms/request | of which SQLite | wall ms | queries |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...x.rows.map(
      (r) =>
        `| ${r.label} | \`${r.path}\` | ${r.matches === null ? "—" : n0(r.matches)} | ${fmtSpread(r.cpuMs, 2)} | ${fmtSpread(r.sqlMs, 2)} | ${fmtSpread(r.wallMs, 2)} | ${f(r.queries, 0)} |`,
    ),
    "",
    ...code(x.commands),
  ];
};

const load: Block = (results) => {
  const l = typed(results).load;
  if (!l) return stamp(undefined);
  return [
    ...stamp(results.load),
    `${n0(l.requests)} requests in ${f(l.seconds, 1)} s (${f(l.rps, 0)} req/s) over ${l.connections} connections from ${n0(l.urls)} real URLs; latency p50 ${f(l.latencyMs.p50, 0)} ms, p90 ${f(l.latencyMs.p90, 0)} ms, p99 ${f(l.latencyMs.p99, 0)} ms.`,
    "",
    "| | count |",
    "| --- | --- |",
    ...Object.entries(l.sent)
      .sort()
      .map(([k, v]) => `| sent: ${k} | ${n0(v)} |`),
    ...Object.entries(l.status)
      .sort()
      .map(([k, v]) => `| answered ${k} | ${n0(v)} |`),
    `| socket errors: connect / read / write / timeout | ${l.errors.connect} / ${l.errors.read} / ${l.errors.write} / ${l.errors.timeout} |`,
    `| **failed requests** | **${n0(l.failures)}** |`,
    ...(l.publishing
      ? [
          `| meanwhile published through the API (PUT, ${f(l.publishing.perSecond, 1)}/s) | ${n0(l.publishing.attempted)} |`,
          `| of them accepted (201) / failed | ${n0(l.publishing.accepted)} / ${n0(l.publishing.failures)} |`,
          `| PUT latency under load, median (min–max) ms | ${fmtSpread(l.publishing.putMs, 0)} |`,
          `| **accepted posts not served afterwards** | **${n0(l.publishing.lost)}** |`,
        ]
      : []),
    "",
    ...code(l.commands),
  ];
};

const firehose: Block = (results) => {
  const h = typed(results).firehose;
  if (!h) return stamp(undefined);
  const ip = (k: string) => h.inproc[k];
  return [
    ...stamp(results.firehose),
    `${n0(h.posts)} posts dated over the 24 hours before the run, seeded in ${f(h.seedSeconds, 1)} s; window ${h.window.hours} h, at most ${n0(h.window.maxItems)} entries, the first ${h.window.fullItems} in full. ${n0(h.lastTwoHours)} posts in the last 2 hours; the site feed holds ${n0(h.siteEntries)}. ${n0(h.categories)} categories posted that day: ${n0(h.categoriesWholeDay)} hold their whole day, ${n0(h.categoriesBusy)} had more than ${n0(h.window.maxItems)} posts${h.busiest ? ` (the busiest, \`${h.busiest.name}\`, ${n0(h.busiest.day)}; ${n0(h.busiest.recent)} in its last 2 hours)` : ""} and ${n0(h.categoriesBusyOk)} of them hold at least their last 2 hours. ${h.failures.length ? `**Missing items:** ${h.failures.slice(0, 5).join("; ")}.` : "No feed missed an item."}`,
    "",
    `Largest documents: Atom ${n0(h.maxDocumentBytes.atom)} B, RSS ${n0(h.maxDocumentBytes.rss)} B, JSON ${n0(h.maxDocumentBytes.json)} B (cap ${n0(h.capBytes)} B).`,
    "",
    "| feed | entries | bytes | in-process CPU ms (of which SQLite) | Worker CPU above /healthz, ms | wrangler dev: workerd CPU ms/request | median latency ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...(["atom-1000", "rss-1000", "json-1000", "atom-20", "rss-20", "json-20"] as const).map((k) => {
      const r = ip(k);
      const w = h.wrangler[k];
      return `| ${k.replace("-", ", ")} | ${k.endsWith("1000") ? n0(h.window.maxItems) : "20"} | ${r ? n0(r.bytes) : "—"} | ${r ? `${fmtSpread(r.cpuMs, 3)} (${f(r.sqlMs.median, 3)})` : "—"} | ${r ? fmtSpread(r.workerAboveMs, 3) : "—"} | ${w ? f(w.cpuMs) : "—"} | ${w ? f(w.p50Ms, 1) : "—"} |`;
    }),
    `| /healthz | — | — | ${ip("healthz") ? fmtSpread(ip("healthz")?.cpuMs, 3) : "—"} | — | ${h.wrangler.healthz ? f(h.wrangler.healthz.cpuMs) : "—"} | ${h.wrangler.healthz ? f(h.wrangler.healthz.p50Ms, 1) : "—"} |`,
    "",
    ...code(h.commands),
  ];
};

const ingest: Block = (results) => {
  const g = typed(results).ingest;
  if (!g) return stamp(undefined);
  const i = g.incremental;
  const runs = (label: string, r: typeof i.runs) =>
    `| ${label} | ${r.length} | ${fmtSpread(spreadOf(r.map((x) => x.seconds)), 2)} | ${f(r[0]?.parseSeconds, 2)} | ${n0(r[0]?.unchanged ?? 0)} of ${n0(r[0]?.scanned ?? 0)} | ${fmtSpread(spreadOf(r.map((x) => x.peakMiB)), 0)} |`;
  const ip = g.inProcess;
  const dev = g.wranglerDev;
  return [
    ...stamp(results.ingest),
    "Re-runs of the real seed over a corpus whose every file is unchanged:",
    "",
    "| corpus | runs | wall time s | of which waiting for reading and parsing, s | unchanged | peak RSS, whole tree (MiB) |",
    "| --- | --- | --- | --- | --- | --- |",
    runs(`${n0(i.posts)} files (manifest)`, i.runs),
    ...(i.fullSeconds !== null
      ? [`| ${n0(i.posts)} files, \`--full\` (every file read) | 1 | ${f(i.fullSeconds, 1)} | | | |`]
      : []),
    ...(i.large ? [runs(`${n0(i.large.count)} small-body files (manifest)`, i.large.runs)] : []),
    "",
    "The ingest API:",
    "",
    "| what | in process: Worker CPU ms (of which SQLite) | queries | through wrangler dev |",
    "| --- | --- | --- | --- |",
    `| \`PUT\` one new post | ${f(ip.put.cpuMs, 2)} (${f(ip.put.sqlMs, 2)}) | ${f(ip.put.queriesPerRequest, 1)} | median ${fmtSpread(dev.putMs, 0)} ms per request |`,
    `| \`POST\` 50 new posts | ${f(ip.batch50.cpuMs, 1)} (${f(ip.batch50.sqlMs, 1)}), ${f(ip.cpuMsPerBatchedPost, 2)} per post | ${f(ip.batch50.queriesPerRequest, 1)} | ${f(dev.batchPostsPerSecond, 0)} posts/s |`,
    `| \`PUT\` until the post is in its category's Atom feed | — | — | median ${fmtSpread(dev.putToFeedMs, 0)} ms (emulated edge: checked against the change log on each request) |`,
    "",
    ...code(g.commands),
  ];
};

const kill: Block = (results) => {
  const k = typed(results).kill;
  if (!k) return stamp(undefined);
  return [
    ...stamp(results.kill),
    `Reference: a clean run of ${n0(k.posts)} posts (${f(k.cleanSeconds, 1)} s).`,
    "",
    "| trial | killed after ms | posts stored at kill | re-run: inserted / unchanged / updated / rejected | missing | extra | differing | post_terms diff | terms diff | equal |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...k.trials.map(
      (t) =>
        `| ${t.trial} | ${t.killAtMs} | ${n0(t.postsAtKill)} | ${t.rerun.inserted} / ${t.rerun.unchanged} / ${t.rerun.updated} / ${t.rerun.rejected} | ${t.diff.missing} | ${t.diff.extra} | ${t.diff.differing} | ${t.diff.postTermsDiff} | ${t.diff.termsDiff} | ${t.ok ? "yes" : "**no**"} |`,
    ),
    "",
    ...code(k.commands),
  ];
};

const bundle: Block = (results) => {
  const b = typed(results).bundle;
  if (!b) return stamp(undefined);
  return [
    ...stamp(results.bundle),
    "| file | bytes | gzip -9 bytes |",
    "| --- | --- | --- |",
    ...b.files.map((x) => `| ${x.file} | ${n0(x.bytes)} | ${n0(x.gzipBytes)} |`),
    "",
    ...code(b.commands),
  ];
};

const capacity: Block = (results) => {
  const c = typed(results).capacity;
  if (!c) return stamp(undefined);
  const per = (bytes: number) => bytes / c.posts;
  return [
    ...stamp(results.capacity),
    `${n0(c.posts)} generated posts, SQLite \`dbstat\` (pages in use, page size ${c.pageSize} B):`,
    "",
    "| object | table | bytes | bytes per post |",
    "| --- | --- | --- | --- |",
    ...c.objects
      .filter((o) => o.bytes > 8192)
      .map((o) => `| ${o.name} | ${o.tbl ?? ""} | ${n0(o.bytes)} | ${f(per(o.bytes), 1)} |`),
    `| **all** | | **${n0(c.totalBytes)}** | **${f(c.perPost, 0)}** |`,
    "",
    "Raw column bytes of `posts` per post:",
    "",
    "| column | bytes per post |",
    "| --- | --- |",
    ...Object.entries(c.columnBytes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `| ${k} | ${f(per(v), 1)} |`),
  ];
};

const fit: Block = (results) => {
  const c = typed(results).capacity;
  if (!c) return stamp(undefined);
  const col = (k: string) => (c.columnBytes[k] ?? 0) / c.posts;
  const ratio = c.compression?.ratio;
  const rows: [string, number][] = [
    ["as measured (body_html; body_md dropped by migration 0006)", c.perPost],
    ...(ratio
      ? [
          [
            `body_html compressed (deflate-raw, ${f(ratio * 100, 0)} % of its bytes; not adopted)`,
            c.perPost - col("body_html") * (1 - ratio),
          ] as [string, number],
        ]
      : []),
    ["without body_html (metadata only)", c.perPost - col("body_html")],
  ];
  return [
    `| layout | bytes per post | posts per 10 GB | ${RATES.map((x) => `years at ${n0(x)} posts/day`).join(" | ")} |`,
    `| --- | --- | --- | ${RATES.map(() => "---").join(" | ")} |`,
    ...rows.map(
      ([k, b]) =>
        `| ${k} | ${n0(b)} | ${f(D1_MAX / b / 1e6, 2)} M | ${RATES.map((x) => f(D1_MAX / b / x / 365, 1)).join(" | ")} |`,
    ),
  ];
};

export const BLOCKS: Record<string, Block> = {
  ingest,
  machine,
  targets,
  seed,
  publish,
  serving,
  firehose,
  scale,
  archive,
  "archive-summary": archiveSummary,
  search,
  load,
  kill,
  bundle,
  capacity,
  fit,
};

/** Replaces every `<!-- bench:NAME -->…<!-- /bench:NAME -->` block of `file`; unknown names are an error. */
export function fillBlocks(file: string, results: Results): void {
  const text = readFileSync(file, "utf8");
  const out = text.replace(
    /(<!-- bench:([\w-]+) -->\n)[\s\S]*?(<!-- \/bench:\2 -->)/g,
    (_, open: string, name: string, close: string) => {
      const block = BLOCKS[name];
      if (!block) throw new Error(`${file}: unknown block bench:${name}`);
      return `${open}${block(results).join("\n")}\n${close}`;
    },
  );
  if (out !== text) writeFileSync(file, out);
}
