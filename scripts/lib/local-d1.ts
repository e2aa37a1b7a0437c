/**
 * @module scripts/lib/local-d1
 * The local executor: the project's D1 binding inside a one-file Worker run
 * by Miniflare exactly as wrangler's getPlatformProxy sets it up (same
 * binding options from wrangler.toml, same persistence root), so the data
 * lands in the files `wrangler dev` reads. Statements go over one HTTP
 * request per batch: through getPlatformProxy's binding proxy every
 * prepare()/bind() is a synchronous round trip and a 1 MB parameter takes
 * ~100 ms, which made writes 20× slower than the database itself.
 */
import { dirname } from "node:path";
import type { V4Namespace } from "miniflare";
import type { Statement } from "../../src/db/statements";
import type { Executor } from "../../src/db/sync";
import { loadMiniflare, loadWrangler } from "./cloudflare";

// Runs inside workerd: the real D1 binding, one batch() per request (a transaction). The request is a
// JSON header line, then the long string parameters back to back (the header gives their lengths):
// the JSON row sets would otherwise be escaped a second time, which cost more than building them.
const EXECUTOR_WORKER = `
export default {
  async fetch(request, env) {
    const body = await request.text();
    const nl = body.indexOf("\\n");
    const { op, statements, raw } = JSON.parse(body.slice(0, nl));
    const strings = [];
    for (let at = nl + 1, i = 0; i < raw.length; at += raw[i], i++) strings.push(body.slice(at, at + raw[i]));
    const value = (p) => (p !== null && typeof p === "object" ? strings[p.raw] : p);
    try {
      const stmts = statements.map((s) => env.DB.prepare(s.sql).bind(...s.params.map(value)));
      if (op === "all") return Response.json({ results: (await stmts[0].all()).results });
      await env.DB.batch(stmts);
      return Response.json({ ok: true });
    } catch (err) {
      return Response.json({ error: String((err && err.message) || err) }, { status: 500 });
    }
  },
};
`;

/** Strings at least this long travel raw after the header. */
const RAW_MIN = 256;

function encodeRequest(op: "all" | "batch", statements: Statement[]): string {
  const raw: number[] = [];
  const strings: string[] = [];
  const header = statements.map((s) => ({
    sql: s.sql,
    params: s.params.map((p) => {
      if (typeof p !== "string" || p.length < RAW_MIN) return p;
      strings.push(p);
      return { raw: raw.push(p.length) - 1 };
    }),
  }));
  return `${JSON.stringify({ op, statements: header, raw })}\n${strings.join("")}`;
}

export interface LocalD1 {
  db: Executor;
  close(): Promise<void>;
}

/** Opens the local D1 of `configPath` persisted under `persistRoot` (wrangler's `<state>/v3`). */
export async function openLocalD1(configPath: string, persistRoot: string): Promise<LocalD1> {
  const { unstable_getMiniflareWorkerOptions } = loadWrangler();
  const { Miniflare, convertV4MiniflareOptions } = loadMiniflare();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      rootPath: dirname(configPath),
      workers: [
        {
          name: "finews-seed",
          script: EXECUTOR_WORKER,
          modules: true,
          // wrangler types these loosely (its bundled schema); they are miniflare's own values.
          compatibilityDate: String(workerOptions.compatibilityDate),
          d1Databases: workerOptions.d1Databases as V4Namespace,
        },
      ],
      resourcePersistencePath: persistRoot,
    }),
  );
  await mf.ready;
  const call = async (op: "all" | "batch", statements: Statement[]) => {
    const res = await mf.dispatchFetch("http://seed.invalid/", { method: "POST", body: encodeRequest(op, statements) });
    const body = (await res.json()) as { error?: string; results?: unknown[] };
    if (body.error !== undefined) throw new Error(body.error);
    return body;
  };
  return {
    db: {
      async all<T>(s: Statement) {
        return ((await call("all", [s])).results ?? []) as T[];
      },
      async batch(stmts: Statement[]) {
        if (stmts.length) await call("batch", stmts);
      },
    },
    close: () => mf.dispose(),
  };
}
