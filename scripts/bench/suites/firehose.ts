/**
 * @module scripts/bench/suites/firehose
 * A live day replayed: `gen:corpus --live-hours 24` (the four templates,
 * Zipf-spread sources, dated over the 24 hours before now), seeded by the
 * real seed into an empty database. Then every feed is read back in process
 * (the bundle's fetch) to check what a polling reader gets: the site feed
 * holds every post of the last 2 hours; a category with at most
 * FEED_MAX_ITEMS posts that day holds the whole day, a busier one at least
 * its last 2 hours; no document exceeds 2 MB. Render CPU of the 1,000-entry
 * and 20-entry site feeds, in process and through wrangler dev.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readConfig } from "../../../src/config";
import { MAX_DOCUMENT_BYTES } from "../../../src/feeds";
import { type Ctx, runSeedMeasured } from "../lib/context";
import { openD1File } from "../lib/d1file";
import { startDevServer } from "../lib/devserver";
import { ROOT, rel, siteVars, WORK } from "../lib/env";
import { openInProc } from "../lib/inproc";
import { TICKS_PER_SECOND } from "../lib/proc";
import { spread } from "../lib/stats";
import { runWrk } from "../lib/wrk";

const HOUR = 3_600_000;
const entriesIn = (body: string) => (body.match(/<entry>/g) ?? []).length;

export async function firehoseSuite(ctx: Ctx) {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const n = ctx.sizes.liveDay;
  const corpus = join(WORK, "corpus-liveday");
  const db = join(WORK, "db-liveday");
  rmSync(corpus, { recursive: true, force: true });
  rmSync(db, { recursive: true, force: true });
  mkdirSync(db, { recursive: true });
  const gen = spawnSync(
    "npm",
    ["run", "--silent", "gen:corpus", "--", "--count", String(n), "--seed", "liveday", "--live-hours", "24", "--out", corpus],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (gen.status !== 0) throw new Error(`gen:corpus failed: ${gen.stderr}`);
  const seeded = await runSeedMeasured(db, [corpus], ROOT);
  ctx.log(`  seeded a live day of ${n} posts in ${(seeded.wallMs / 1000).toFixed(1)} s`);

  const vars = siteVars();
  const config = readConfig(vars);
  const now = Date.now();
  const sqlite = openD1File(db);
  const count = (sql: string, ...p: (number | string)[]) => (sqlite.prepare(sql).get(...p) as { n: number }).n;
  const visible = "published = 1 AND published_at <= ?";
  const lastTwoHours = count(`SELECT count(*) AS n FROM posts WHERE ${visible} AND published_at > ?`, now, now - 2 * HOUR);
  const categories = sqlite
    .prepare(
      `SELECT t.name AS name, count(*) AS day,
         sum(CASE WHEN pt.published_at > ? THEN 1 ELSE 0 END) AS recent
       FROM terms AS t JOIN post_terms AS pt ON pt.kind = t.kind AND pt.key = t.key
       WHERE t.kind = 'c' AND pt.published_at <= ? AND pt.published_at > ? GROUP BY t.kind, t.key ORDER BY day DESC`,
    )
    .all(now - 2 * HOUR, now, now - 24 * HOUR) as { name: string; day: number; recent: number }[];
  sqlite.close();

  const ip = await openInProc(ctx.bundleFile, db, vars);
  let open = true;
  const closeInProc = () => {
    if (open) ip.close();
    open = false;
  };
  const sizes: Record<string, number[]> = { atom: [], rss: [], json: [] };
  let siteEntries = 0;
  let wholeDay = 0;
  let busyOk = 0;
  const failures: string[] = [];
  try {
    for (const [format, path] of [
      ["atom", "/feed.xml"],
      ["rss", "/rss.xml"],
      ["json", "/feed.json"],
    ] as const) {
      const body = await (await ip.get(path)).text();
      const entries =
        format === "json"
          ? (JSON.parse(body) as { items: unknown[] }).items.length
          : format === "rss"
            ? (body.match(/<item>/g) ?? []).length
            : entriesIn(body);
      if (format === "atom") siteEntries = entries;
      if (entries < lastTwoHours) failures.push(`${path}: ${entries} entries, ${lastTwoHours} posts in the last 2 h`);
      sizes[format]?.push(Buffer.byteLength(body));
    }
    for (const c of categories) {
      const path = `/category/${encodeURIComponent(c.name)}/atom.xml`;
      const body = await (await ip.get(path)).text();
      const entries = entriesIn(body);
      sizes.atom?.push(Buffer.byteLength(body));
      const ok = c.day <= config.feedMaxItems ? entries >= c.day : entries >= c.recent;
      if (c.day <= config.feedMaxItems && ok) wholeDay++;
      if (c.day > config.feedMaxItems && ok) busyOk++;
      if (!ok) failures.push(`${path}: ${entries} entries for ${c.day} posts today, ${c.recent} in the last 2 h`);
    }
    if (failures.length) ctx.log(`  FEEDS MISSING ITEMS: ${failures.slice(0, 5).join("; ")}`);

    // CPU: the site feed is the 1,000-entry one (the day holds more than FEED_MAX_ITEMS posts).
    const runs = Math.max(ctx.sizes.runs, 5);
    const cpu = (samples: number[]) => spread(samples);
    const base: number[] = [];
    const byRoute: Record<string, { cpu: number[]; sql: number[]; above: number[]; bytes: number }> = {};
    const routes: [string, string][] = [
      ["healthz", "/healthz"],
      ["atom-1000", "/feed.xml"],
      ["rss-1000", "/rss.xml"],
      ["json-1000", "/feed.json"],
      ["atom-20", "/feed.xml?limit=20"],
      ["rss-20", "/rss.xml?limit=20"],
      ["json-20", "/feed.json?limit=20"],
    ];
    for (let run = 0; run < runs; run++) {
      let hz = { cpu: 0, sql: 0 };
      for (const [key, path] of routes) {
        const m = await ip.measure({ name: key, path, expectStatus: 200 }, key === "healthz" ? 2000 : 60);
        if (key === "healthz") {
          hz = { cpu: m.cpuMs, sql: m.sqlMs };
          base.push(m.cpuMs);
        }
        const e = byRoute[key] ?? { cpu: [], sql: [], above: [], bytes: m.bytes };
        e.cpu.push(m.cpuMs);
        e.sql.push(m.sqlMs);
        e.above.push(m.cpuMs - m.sqlMs - (hz.cpu - hz.sql));
        byRoute[key] = e;
      }
    }
    const inproc = Object.fromEntries(
      Object.entries(byRoute).map(([k, v]) => [
        k,
        { cpuMs: cpu(v.cpu), sqlMs: cpu(v.sql), workerAboveMs: cpu(v.above), bytes: v.bytes },
      ]),
    );
    ctx.log(
      `  in-process Worker CPU above /healthz: ${Object.entries(inproc)
        .filter(([k]) => k !== "healthz")
        .map(([k, v]) => `${k} ${v.workerAboveMs.median.toFixed(3)} ms`)
        .join(", ")}`,
    );
    closeInProc();

    // Through wrangler dev: every request renders (a fresh query string each), so this is the render path.
    const server = await startDevServer(db);
    const wrangler: Record<string, { cpuMs: number; p50Ms: number; rps: number }> = {};
    try {
      for (const [key, path] of [
        ["healthz", "/healthz"],
        ["atom-1000", "/feed.xml"],
        ["atom-20", "/feed.xml?limit=20"],
      ] as const) {
        const url = `${server.url}${path}`;
        const w = {
          url,
          connections: 4,
          threads: 1,
          seconds: ctx.quick ? 2 : 5,
          script: key === "healthz" ? "count.lua" : "unique.lua",
        };
        await runWrk({ ...w, seconds: 1, scriptArgs: [`warm${key}`] });
        const t0 = server.ticks();
        const res = await runWrk({ ...w, scriptArgs: [`run${key}`] });
        const t1 = server.ticks();
        wrangler[key] = {
          cpuMs: (((t1.workerd - t0.workerd) / TICKS_PER_SECOND) * 1000) / Math.max(1, res.requests),
          p50Ms: res.latencyMs.p50,
          rps: res.rps,
        };
      }
    } finally {
      await server.stop();
    }
    const max = (xs: number[] = []) => Math.max(0, ...xs);
    return {
      posts: n,
      seedSeconds: seeded.wallMs / 1000,
      window: { hours: config.feedWindowHours, maxItems: config.feedMaxItems, fullItems: config.feedFullItems },
      lastTwoHours,
      siteEntries,
      categories: categories.length,
      categoriesWholeDay: wholeDay,
      categoriesBusy: categories.filter((c) => c.day > config.feedMaxItems).length,
      categoriesBusyOk: busyOk,
      busiest: categories[0] ? { name: categories[0].name, day: categories[0].day, recent: categories[0].recent } : null,
      failures,
      maxDocumentBytes: { atom: max(sizes.atom), rss: max(sizes.rss), json: max(sizes.json) },
      capBytes: MAX_DOCUMENT_BYTES,
      inproc,
      wrangler,
      commands: [
        `npm run gen:corpus -- --count ${n} --seed liveday --live-hours 24 --out ${rel(corpus)}`,
        `npm run seed -- --persist-to ${rel(db)} --json ${rel(corpus)}`,
        "every feed fetched through the bundle's fetch() in process (scripts/bench/lib/inproc), entries counted",
        "wrk -t1 -c4 -d5s -s scripts/bench/lua/unique.lua http://127.0.0.1:PORT/feed.xml   # under npx wrangler dev --persist-to <db>",
      ],
    };
  } finally {
    closeInProc();
  }
}
