/**
 * @module scripts/bench/lib/serving
 * Serving figures of one or more setups side by side: each route in process
 * (the bundle's fetch() over node:sqlite, CPU per request and SQLite time
 * apart) and through a real `wrangler dev` driven by wrk (latency, workerd CPU),
 * edge hits and the render path apart; with several setups every measurement
 * alternates between them, so outside load lands on all alike.
 */
import { DatabaseSync } from "node:sqlite";
import { readConfig } from "../../../src/config";
import type { Ctx } from "./context";
import { d1File } from "./d1file";
import { clearEdgeCache, type DevServer, startDevServer } from "./devserver";
import { siteVars } from "./env";
import { type InProc, openInProc } from "./inproc";
import { TICKS_PER_SECOND } from "./proc";
import { pairedRatio, type Spread, spread } from "./stats";
import { runWrk, type WrkOptions, wrkCommand } from "./wrk";

export type Mode = "hit" | "render" | "direct";

export interface Route {
  key: string;
  label: string;
  path: string;
  /** status the route must answer */
  status: number;
  /** sent with every request (304 runs) */
  etagFrom?: "hit" | "head";
  modes: Mode[];
}

export interface Picked {
  article: { path: string; infoCode: string; bodyBytes: number };
  category: { name: string; posts: number };
}

/** A median-size article with a share code (from `articleFile`), and the category with the most posts (in `categoryFile`). */
export function pickRoutes(articleFile: string, categoryFile: string): { picked: Picked; routes: Route[] } {
  const db = new DatabaseSync(articleFile, { readOnly: true });
  const cats = categoryFile === articleFile ? db : new DatabaseSync(categoryFile, { readOnly: true });
  try {
    const sample = db
      .prepare(
        "SELECT path, info_code, length(CAST(body_html AS BLOB)) AS n FROM posts WHERE published = 1 AND info_code LIKE 'NW%' AND id % 53 = 0 ORDER BY n, id",
      )
      .all() as { path: string; info_code: string; n: number }[];
    const mid = sample[sample.length >> 1];
    if (!mid) throw new Error("no article with a share code");
    const top = cats
      .prepare(
        "SELECT t.name AS name, (SELECT count(*) FROM post_terms AS pt WHERE pt.kind = 'c' AND pt.key = t.key) AS n FROM terms AS t WHERE t.kind = 'c' ORDER BY n DESC LIMIT 1",
      )
      .get() as { name: string; n: number };
    const cat = encodeURIComponent(top.name);
    const picked: Picked = {
      article: { path: mid.path, infoCode: mid.info_code, bodyBytes: mid.n },
      category: { name: top.name, posts: top.n },
    };
    const both: Mode[] = ["hit", "render"];
    const routes: Route[] = [
      { key: "healthz", label: "/healthz", path: "/healthz", status: 200, modes: ["direct"] },
      { key: "article", label: "article", path: mid.path, status: 200, modes: both },
      { key: "category", label: "category page", path: `/category/${cat}.html`, status: 200, modes: both },
      { key: "atom", label: "category feed, Atom (20)", path: `/category/${cat}/atom.xml`, status: 200, modes: both },
      { key: "rss", label: "category feed, RSS (20)", path: `/category/${cat}/rss.xml`, status: 200, modes: both },
      { key: "json", label: "category feed, JSON (20)", path: `/category/${cat}/feed.json`, status: 200, modes: both },
      {
        key: "304",
        label: "304 revalidation (Atom feed)",
        path: `/category/${cat}/atom.xml`,
        status: 304,
        modes: both,
      },
      {
        key: "share",
        label: "share redirect",
        path: `/html_News/NewsShare.html?infoCode=${encodeURIComponent(mid.info_code)}`,
        status: 301,
        modes: ["direct"],
      },
    ];
    return { picked, routes };
  } finally {
    db.close();
    if (cats !== db) cats.close();
  }
}

export interface WrkPoint {
  rps: Spread;
  p50Ms: Spread;
  cpuMs: Spread;
  /** CPU per request ÷ /healthz CPU per request of the same round */
  cpuRatio: Spread;
  /** CPU per request minus /healthz's, same round */
  cpuAboveMs: Spread;
  rpsRatio: Spread;
  requests: number;
  statuses: Record<string, number>;
  command: string;
}

export interface InProcPoint {
  cpuMs: Spread;
  sqlMs: Spread;
  /** cpu − sql − the same for /healthz */
  workerAboveMs: Spread;
  queries: number;
  /** databases the route's requests queried */
  databases: number;
  bytes: number;
}

export interface ServingResult {
  posts: number;
  picked: Picked;
  routes: { key: string; label: string; path: string; mode: Mode; wrk?: WrkPoint; inproc?: InProcPoint }[];
  wrkSettings: string;
  nodeCpuShare: number;
}

const nameOf = (db: ServedDb) => `${db.archive ? `${Object.keys(db.archive.files).length} databases, ` : ""}${db.posts} posts`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function etagOf(url: string, method: "GET" | "HEAD"): Promise<string> {
  const res = await fetch(url, { method });
  await res.arrayBuffer();
  const etag = res.headers.get("ETag");
  if (!etag) throw new Error(`no ETag from ${method} ${url} (${res.status})`);
  return etag;
}

/** One setup measured: a `--persist-to` folder with DB alone, or an archive of several databases. */
export interface ServedDb {
  persistDir: string;
  posts: number;
  /** An archive: its databases (binding → SQLite file), ARCHIVE in `vars`, its config in `devArgs`. */
  archive?: {
    files: Record<string, string>;
    /** the database the article and share link are picked from (the category comes from DB) */
    articleFrom: string;
    vars: Record<string, string>;
    devArgs: string[];
  };
}

export interface ServingOptions {
  /** Setups measured side by side: each step of the plan runs on every setup in turn. */
  dbs: ServedDb[];
  bundleFile: string;
  runs: number;
  wrkSeconds: number;
  connections: number;
  inprocRequests: number;
  log: (s: string) => void;
}

/** The serving options of a bench run (its sizes, logger and bundle) for `dbs`. */
export function servingOptions(ctx: Ctx, dbs: ServingOptions["dbs"]): ServingOptions {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const s = ctx.sizes;
  return {
    dbs,
    bundleFile: ctx.bundleFile,
    runs: s.runs,
    wrkSeconds: s.wrkSeconds,
    connections: s.wrkConnections,
    inprocRequests: s.inprocRequests,
    log: ctx.log,
  };
}

interface WrkSamples {
  rps: number[];
  p50: number[];
  cpu: number[];
  ratio: number[];
  above: number[];
  rpsRatio: number[];
  requests: number;
  statuses: Record<string, number>;
  command: string;
}
interface InProcSamples {
  cpu: number[];
  sql: number[];
  above: number[];
  queries: number;
  databases: number;
  bytes: number;
}

/**
 * Measures every database of `o.dbs`. With two databases (the scale suite) every measurement
 * alternates between them, so a burst of load from elsewhere on the machine lands on both.
 */
export async function measureServing(o: ServingOptions): Promise<ServingResult[]> {
  const sets = o.dbs.map((db) => {
    const main = db.archive?.files.DB ?? d1File(db.persistDir);
    const article = db.archive ? db.archive.files[db.archive.articleFrom] : main;
    if (!main || !article) throw new Error(`no local D1 under ${db.persistDir}`);
    return { ...db, ...pickRoutes(article, main) };
  });
  const vars = siteVars();
  readConfig(vars); // the same validation the Worker does
  const routeKeys = (sets[0]?.routes ?? []).map((r) => r.key);

  // In process first: nothing else of ours runs meanwhile.
  const inproc = sets.map(() => new Map<string, InProcSamples>());
  const ips = await Promise.all(
    sets.map((set) => openInProc(o.bundleFile, set.archive?.files ?? set.persistDir, { ...vars, ...set.archive?.vars })),
  );
  try {
    // Warm every route's code once first: otherwise the first route measured pays for compiling the bundle.
    for (const [i, set] of sets.entries()) {
      for (const r of set.routes)
        if (r.status !== 304) await ips[i]?.measure({ name: r.key, path: r.path, expectStatus: r.status }, 100);
    }
    // In-process runs are cheap (seconds each), so there are at least five of them.
    for (let run = 0; run < Math.max(o.runs, 5); run++) {
      const base = sets.map(() => ({ cpu: 0, sql: 0 }));
      for (const key of routeKeys) {
        for (const [i, set] of sets.entries()) {
          const ip = ips[i] as InProc;
          const r = set.routes.find((x) => x.key === key) as Route;
          const headers: Record<string, string> = {};
          let path = r.path;
          if (r.status === 304) {
            path = `${r.path}${r.path.includes("?") ? "&" : "?"}_v=inproc`;
            const res = await ip.get(path);
            await res.arrayBuffer();
            headers["If-None-Match"] = res.headers.get("ETag") ?? "";
          }
          const m = await ip.measure({ name: r.key, path, headers, expectStatus: r.status }, o.inprocRequests);
          if (r.key === "healthz") base[i] = { cpu: m.cpuMs, sql: m.sqlMs };
          const b = base[i] as { cpu: number; sql: number };
          const e = inproc[i]?.get(r.key) ?? {
            cpu: [],
            sql: [],
            above: [],
            queries: m.queriesPerRequest,
            databases: m.databases,
            bytes: m.bytes,
          };
          e.cpu.push(m.cpuMs);
          e.sql.push(m.sqlMs);
          e.above.push(m.cpuMs - m.sqlMs - (b.cpu - b.sql));
          inproc[i]?.set(r.key, e);
        }
      }
    }
  } finally {
    for (const ip of ips) ip.close();
  }
  for (const [i, set] of sets.entries()) {
    o.log(
      `  in-process, ${nameOf(set)}: ${[...(inproc[i] ?? [])].map(([k, v]) => `${k} ${spread(v.cpu).median.toFixed(3)} ms`).join(", ")}`,
    );
  }

  const servers: DevServer[] = [];
  const points = sets.map(() => new Map<string, WrkSamples>());
  const ticks = { node: 0, workerd: 0 };
  try {
    for (const set of sets) {
      clearEdgeCache(set.persistDir);
      servers.push(await startDevServer(set.persistDir, 90_000, {}, set.archive?.devArgs));
    }
    const plan = (sets[0]?.routes ?? []).flatMap((r) => r.modes.map((mode) => ({ key: r.key, mode })));
    for (let run = 0; run < o.runs; run++) {
      const base = sets.map(() => ({ cpu: Number.NaN, rps: Number.NaN }));
      for (const step of plan) {
        for (const [i, set] of sets.entries()) {
          const server = servers[i] as DevServer;
          const r = set.routes.find((x) => x.key === step.key) as Route;
          const mode = step.mode;
          const url = `${server.url}${r.path}`;
          const w: WrkOptions = { url, connections: o.connections, threads: 1, seconds: o.wrkSeconds, script: "count.lua" };
          if (r.status === 304) {
            // hit: the primed URL's edge copy answers; render: a URL never fetched, so the validator does.
            const target = mode === "hit" ? url : `${url}${url.includes("?") ? "&" : "?"}_v=304-${run}`;
            const etag = await etagOf(target, mode === "hit" ? "GET" : "HEAD");
            w.url = target;
            w.headers = { "If-None-Match": etag };
          } else if (mode === "hit") {
            await etagOf(url, "GET").catch(() => "");
          } else if (mode === "render") {
            w.script = "unique.lua";
          }
          // A fresh nonce per wrk run: the render path must never meet an earlier run's URL.
          const nonce = () => (w.script === "unique.lua" ? [`${run}${Math.random().toString(36).slice(2, 8)}`] : undefined);
          await runWrk({ ...w, seconds: 1, scriptArgs: nonce() }); // warm-up, not measured
          await sleep(200);
          const t0 = server.ticks();
          const res = await runWrk({ ...w, scriptArgs: nonce() });
          await sleep(300); // let waitUntil(cache.put) of the last requests finish
          const t1 = server.ticks();
          ticks.node += t1.node - t0.node;
          ticks.workerd += t1.workerd - t0.workerd;
          const cpu = (((t1.workerd - t0.workerd) / TICKS_PER_SECOND) * 1000) / res.requests;
          const statuses = (res.lua?.status ?? {}) as Record<string, number>;
          // The path measured must be the path named: right status, and HIT/MISS as intended.
          const cache = r.status === 304 || mode === "direct" ? "-" : mode === "hit" ? "HIT" : "MISS";
          const good = statuses[`${r.status}/${cache}`] ?? 0;
          if (good < res.requests * 0.99)
            throw new Error(`${r.key}/${mode}: expected ${r.status}/${cache}, got ${JSON.stringify(statuses)}`);
          if (r.key === "healthz") base[i] = { cpu, rps: res.rps };
          const b = base[i] as { cpu: number; rps: number };
          const key = `${r.key}/${mode}`;
          const e = points[i]?.get(key) ?? {
            rps: [],
            p50: [],
            cpu: [],
            ratio: [],
            above: [],
            rpsRatio: [],
            requests: 0,
            statuses: {},
            command: wrkCommand({ ...w, url: w.url.replace(server.url, "http://127.0.0.1:PORT") }),
          };
          e.rps.push(res.rps);
          e.p50.push(res.latencyMs.p50);
          e.cpu.push(cpu);
          e.ratio.push(cpu / b.cpu);
          e.above.push(cpu - b.cpu);
          e.rpsRatio.push(res.rps / b.rps);
          e.requests += res.requests;
          for (const [k, v] of Object.entries(statuses)) e.statuses[k] = (e.statuses[k] ?? 0) + v;
          points[i]?.set(key, e);
          o.log(
            `  ${nameOf(set)} ${key} run ${run + 1}: ${res.rps.toFixed(0)} req/s, p50 ${res.latencyMs.p50.toFixed(1)} ms, ${cpu.toFixed(2)} ms CPU/req ${JSON.stringify(statuses)}`,
          );
        }
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    for (const set of sets) clearEdgeCache(set.persistDir);
  }
  return sets.map((set, i) => {
    const out: ServingResult["routes"] = [];
    for (const r of set.routes) {
      const ip = inproc[i]?.get(r.key);
      for (const mode of r.modes) {
        const p = points[i]?.get(`${r.key}/${mode}`);
        out.push({
          key: r.key,
          label: r.label,
          path: r.path,
          mode,
          wrk: p && {
            rps: spread(p.rps),
            p50Ms: spread(p.p50),
            cpuMs: spread(p.cpu),
            cpuRatio: spread(p.ratio),
            cpuAboveMs: spread(p.above),
            rpsRatio: spread(p.rpsRatio),
            requests: p.requests,
            statuses: p.statuses,
            command: p.command,
          },
          // The in-process run has no edge cache: it belongs with the render path.
          inproc:
            ip && mode !== "hit"
              ? {
                  cpuMs: spread(ip.cpu),
                  sqlMs: spread(ip.sql),
                  workerAboveMs: spread(ip.above),
                  queries: ip.queries,
                  databases: ip.databases,
                  bytes: ip.bytes,
                }
              : undefined,
        });
      }
    }
    return {
      posts: set.posts,
      picked: set.picked,
      routes: out,
      wrkSettings: `wrk -t1 -c${o.connections} -d${o.wrkSeconds}s, ${o.runs} run(s) each, after a 1 s warm-up${sets.length > 1 ? `, alternating between the ${sets.length} databases` : ""}`,
      nodeCpuShare: ticks.node / Math.max(1, ticks.node + ticks.workerd),
    };
  });
}

/** Route by route, `b` against `a` (run-by-run ratios: each run of `b` was taken right after the same run of `a`). */
export function compareServing(a: ServingResult, b: ServingResult) {
  const comparison = a.routes.map((r) => {
    const l = b.routes.find((x) => x.key === r.key && x.mode === r.mode);
    return {
      key: r.key,
      label: r.label,
      mode: r.mode,
      p50Ratio: pairedRatio(r.wrk?.p50Ms, l?.wrk?.p50Ms),
      cpuRatio: pairedRatio(r.wrk?.cpuMs, l?.wrk?.cpuMs),
      inprocCpuRatio: pairedRatio(r.inproc?.cpuMs, l?.inproc?.cpuMs),
      sqlRatio: pairedRatio(r.inproc?.sqlMs, l?.inproc?.sqlMs),
    };
  });
  const worst = (k: "p50Ratio" | "cpuRatio" | "inprocCpuRatio") =>
    spread(comparison.map((c) => c[k]).filter((x) => Number.isFinite(x))).max;
  return {
    comparison,
    worstP50Ratio: worst("p50Ratio"),
    worstCpuRatio: worst("cpuRatio"),
    worstInprocCpuRatio: worst("inprocCpuRatio"),
  };
}
