/**
 * @module scripts/bench/lib/inproc
 * The Worker's own CPU per request, without wrangler dev around it: the bundle
 * `wrangler deploy --dry-run` produces is imported into Node and its fetch()
 * called directly, with a D1 binding backed by node:sqlite over the same local
 * database file. Node has no Cache API, so every request takes the render path.
 * process.cpuUsage() over many requests gives CPU per request; time inside the
 * (synchronous) SQLite calls is measured apart, because on Cloudflare a D1
 * query runs in the database, not in the Worker's CPU budget. Rows reach the
 * Worker as D1 delivers them, JSON parsed into plain objects (the conversion
 * is counted with the SQLite time).
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { d1File } from "./d1file";

type Row = Record<string, unknown>;

/** Shortest measurement, ms. */
const MIN_MS = 1500;

/** Time inside SQLite and queries run, summed over every database a Worker has. */
interface Meter {
  sqlMs: number;
  queries: number;
  /** queries per binding */
  byDb: Record<string, number>;
}

class Sqlite {
  readonly db: DatabaseSync;
  private readonly stmts = new Map<string, StatementSync>();
  private readonly meter: Meter;
  private readonly binding: string;
  constructor(file: string, meter: Meter, binding: string) {
    // Writable: feeds store the entries they render for posts that had none (routes/feeds).
    this.db = new DatabaseSync(file);
    this.meter = meter;
    this.binding = binding;
  }
  run<T>(sql: string, params: unknown[], f: (s: StatementSync, p: unknown[]) => T): T {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    const t0 = performance.now();
    try {
      return f(s, params);
    } finally {
      this.meter.sqlMs += performance.now() - t0;
      this.meter.queries++;
      this.meter.byDb[this.binding] = (this.meter.byDb[this.binding] ?? 0) + 1;
    }
  }
}

/** The part of D1's prepared-statement API the Worker uses. */
class Statement {
  private readonly db: Sqlite;
  readonly sql: string;
  readonly params: unknown[];
  constructor(db: Sqlite, sql: string, params: unknown[] = []) {
    this.db = db;
    this.sql = sql;
    this.params = params;
  }
  bind(...params: unknown[]) {
    return new Statement(this.db, this.sql, params);
  }
  allSync<T = Row>() {
    // Rows arrive as D1 hands them over (JSON, parsed): plain objects, not node:sqlite's own.
    const results = this.db.run(this.sql, this.params, (s, p) => JSON.parse(JSON.stringify(s.all(...(p as never[]))))) as T[];
    return { results, success: true, meta: {} };
  }
  async all<T = Row>() {
    return this.allSync<T>();
  }
  async first<T = Row>(col?: string) {
    const row = this.db.run(this.sql, this.params, (s, p) => {
      const r = s.get(...(p as never[]));
      return r === undefined ? undefined : JSON.parse(JSON.stringify(r));
    }) as Row | undefined;
    if (!row) return null;
    return (col ? row[col] : row) as T;
  }
  async raw() {
    return this.db.run(this.sql, this.params, (s, p) => {
      s.setReturnArrays(true);
      try {
        return s.all(...(p as never[]));
      } finally {
        s.setReturnArrays(false);
      }
    });
  }
  async run() {
    this.db.run(this.sql, this.params, (s, p) => s.run(...(p as never[])));
    return { success: true, meta: {} };
  }
}

function d1Binding(db: Sqlite) {
  const binding = {
    prepare: (sql: string) => new Statement(db, sql),
    // One transaction, as D1 runs a batch; synchronous inside, so no other request's batch interleaves.
    batch: async (stmts: Statement[]) => {
      db.db.exec("BEGIN");
      try {
        const out = stmts.map((s) => s.allSync());
        db.db.exec("COMMIT");
        return out;
      } catch (err) {
        db.db.exec("ROLLBACK");
        throw err;
      }
    },
    withSession: () => binding,
  };
  return binding;
}

export interface InProcRequest {
  name: string;
  path: string;
  headers?: Record<string, string>;
  expectStatus: number;
}

export interface InProcResult {
  name: string;
  requests: number;
  /** process CPU per request, ms (Worker JS + SQLite) */
  cpuMs: number;
  /** of which inside SQLite, ms */
  sqlMs: number;
  queriesPerRequest: number;
  /** databases any of the requests queried */
  databases: number;
  bytes: number;
}

type Worker = { fetch(req: Request, env: unknown, ctx: unknown): Promise<Response> };

export interface InProc {
  measure(r: InProcRequest, requests: number): Promise<InProcResult>;
  /**
   * CPU per request of `requests` calls of `make(i)` (any method; each must answer `expectStatus`),
   * after `warmup` calls with negative i; for writes, whose requests must differ.
   */
  measureCalls(
    name: string,
    make: (i: number) => Request,
    requests: number,
    expectStatus: number[],
    warmup?: number,
  ): Promise<InProcResult & { wallMs: number }>;
  /** One GET, for ETags and sanity checks. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): void;
}

/**
 * The bundle's Worker over local D1 files: `databases` is a `--persist-to` folder (its one
 * database as DB), or binding → SQLite file for an archive of several (vars name them in ARCHIVE).
 */
export async function openInProc(
  bundle: string,
  databases: string | Record<string, string>,
  vars: Record<string, string>,
): Promise<InProc> {
  const files = typeof databases === "string" ? { DB: d1File(databases) } : databases;
  const worker = ((await import(pathToFileURL(bundle).href)) as { default: Worker }).default;
  const meter: Meter = { sqlMs: 0, queries: 0, byDb: {} };
  const opened: Sqlite[] = [];
  const bindings: Record<string, ReturnType<typeof d1Binding>> = {};
  for (const [binding, file] of Object.entries(files)) {
    if (!file) throw new Error(`no D1 file for ${binding} (${typeof databases === "string" ? databases : "archive"})`);
    const sqlite = new Sqlite(file, meter, binding);
    opened.push(sqlite);
    bindings[binding] = d1Binding(sqlite);
  }
  const env = { ...vars, ...bindings };
  const waits: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException() {}, props: {} };
  const get = (path: string, headers?: Record<string, string>) =>
    worker.fetch(new Request(`https://finews.withounder.com${path}`, { headers }), env, ctx);
  const once = async (r: InProcRequest, i: number) => {
    const sep = r.path.includes("?") ? "&" : "?";
    // A fresh query string each time, as in the wrangler dev render-path runs (nothing here caches anyway).
    const res = await get(r.expectStatus === 304 ? r.path : `${r.path}${sep}_b=${i}`, r.headers);
    const body = await res.arrayBuffer();
    if (res.status !== r.expectStatus) throw new Error(`${r.name}: ${r.path} answered ${res.status}, expected ${r.expectStatus}`);
    return body.byteLength;
  };
  /**
   * CPU per call of `call(i)` (i = 0, 1, …) after `warmup` calls with negative i: at least `requests`
   * calls, and calls for at least `minMs` (cheap routes need many more requests than expensive ones
   * before GC and timer noise average out).
   */
  const run = async (name: string, call: (i: number) => Promise<number>, warmup: number, requests: number, minMs: number) => {
    for (let i = 1; i <= warmup; i++) await call(-i);
    await Promise.all(waits.splice(0));
    meter.sqlMs = 0;
    meter.queries = 0;
    meter.byDb = {};
    let bytes = 0;
    let done = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    while (done < requests || performance.now() - t0 < minMs) bytes += await call(done++);
    await Promise.all(waits.splice(0));
    const wallMs = (performance.now() - t0) / done;
    const c = process.cpuUsage(c0);
    return {
      name,
      requests: done,
      cpuMs: (c.user + c.system) / 1000 / done,
      sqlMs: meter.sqlMs / done,
      queriesPerRequest: meter.queries / done,
      databases: Object.keys(meter.byDb).length,
      bytes: bytes / done,
      wallMs,
    };
  };
  return {
    get,
    measureCalls(name, make, requests, expectStatus, warmup = 20) {
      const call = async (i: number) => {
        const res = await worker.fetch(make(i), env, ctx);
        const body = await res.arrayBuffer();
        if (!expectStatus.includes(res.status)) {
          throw new Error(`${name}: answered ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
        }
        return body.byteLength;
      };
      return run(name, call, warmup, requests, 0);
    },
    measure: (r, requests) => run(r.name, (i) => once(r, i), Math.min(200, requests), requests, MIN_MS),
    close: () => {
      for (const s of opened) s.db.close();
    },
  };
}
