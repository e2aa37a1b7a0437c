/**
 * @module scripts/lib/api-target
 * `npm run seed -- --api https://site PATH...`: the seed's files go to the
 * deployed Worker's ingest API (src/routes/api.ts) instead of into D1, so a
 * scraper's machine needs the token FINEWS_INGEST_TOKEN and nothing else.
 * Files travel as they are, in multipart batches within the API's limits
 * (fewer when it answers 413), a few requests at a time; the server parses
 * them with the seed's own rules and answers with the seed's report, which
 * is merged here. Network failures and 5xx answers are retried with backoff;
 * a refused token stops the run.
 */
import { readFileSync } from "node:fs";
import { emptyReport, mergeReport, type Report } from "../../src/ingest/report";

export class ApiFatalError extends Error {}

export interface ApiFile {
  /** Path as the report shows it. */
  display: string;
  basename: string;
}

export interface ApiTarget {
  origin: string;
  /** Stored hashes of `slugs` (absent: not stored). */
  hashes(slugs: string[]): Promise<Record<string, string>>;
  /** The target database's state (epoch and change-log head), or null when the site does not say. */
  state(): Promise<string | null>;
  /** Sends `files`; the report names them by their display paths. */
  publish(files: ApiFile[], opts: { dryRun: boolean; onProgress?: (done: number) => void }): Promise<Report>;
}

/** The API's default limits (INGEST_MAX_FILES, INGEST_MAX_BYTES); a 413 halves a batch. */
const BATCH_FILES = 50;
const BATCH_BYTES = 7_500_000;
const PARALLEL = 3;
const RETRIES = 5;
const HASH_SLUGS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `https://site` (no path) from what the user typed; throws ApiFatalError naming the problem. */
export function apiOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiFatalError(`--api ${raw}: not a URL (expected the site's origin, e.g. https://finews.example.com)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ApiFatalError(`--api ${raw}: must be http or https`);
  if (url.username || url.password) throw new ApiFatalError("--api: put the token in FINEWS_INGEST_TOKEN, not in the URL");
  return url.origin;
}

export function openApiTarget(origin: string, token: string, fetcher: typeof fetch = fetch): ApiTarget {
  const auth = { Authorization: `Bearer ${token}` };

  /** One request with retries; returns the response of the last attempt that was not a transient failure. */
  async function send(path: string, init: () => RequestInit): Promise<Response> {
    let last = "";
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt) await sleep(Math.min(8000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2));
      let res: Response;
      try {
        res = await fetcher(`${origin}${path}`, init());
      } catch (err) {
        last = `cannot reach ${origin}: ${err instanceof Error ? err.message : String(err)}`;
        continue;
      }
      if (res.status === 401) throw new ApiFatalError(`${origin} refused the token (401): check FINEWS_INGEST_TOKEN`);
      if (res.status === 404 && path.startsWith("/api/")) {
        const body = await res.text();
        throw new ApiFatalError(`${origin}${path} answered 404: the ingest API is off there (no INGEST_TOKEN secret?) ${body}`);
      }
      if (res.status >= 500 || res.status === 429) {
        last = `${origin}${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`;
        continue;
      }
      return res;
    }
    throw new ApiFatalError(`gave up after ${RETRIES + 1} attempts: ${last}`);
  }

  async function publishBatch(files: ApiFile[], bodies: Uint8Array[], dryRun: boolean): Promise<Report> {
    const res = await send(`/api/posts${dryRun ? "?dry_run=1" : ""}`, () => {
      const form = new FormData();
      for (const [i, f] of files.entries()) form.append("file", new Blob([bodies[i] as Uint8Array<ArrayBuffer>]), f.basename);
      return { method: "POST", headers: auth, body: form };
    });
    if (res.status === 413 && files.length > 1) {
      await res.body?.cancel();
      const half = Math.ceil(files.length / 2);
      const out = emptyReport();
      mergeReport(out, await publishBatch(files.slice(0, half), bodies.slice(0, half), dryRun));
      mergeReport(out, await publishBatch(files.slice(half), bodies.slice(half), dryRun));
      return out;
    }
    const text = await res.text();
    if (res.status !== 200) throw new ApiFatalError(`${origin}/api/posts answered ${res.status}: ${text.slice(0, 500)}`);
    const got = JSON.parse(text) as Report;
    const display = new Map(files.map((f) => [f.basename, f.display]));
    const out = emptyReport();
    mergeReport(out, got, (name) => display.get(name) ?? name);
    return out;
  }

  return {
    origin,
    async state() {
      const res = await send("/api/hashes", () => ({
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: '{"slugs":[]}',
      }));
      const text = await res.text();
      if (res.status !== 200) throw new ApiFatalError(`${origin}/api/hashes answered ${res.status}: ${text.slice(0, 300)}`);
      return (JSON.parse(text) as { state?: string }).state ?? null;
    },
    async hashes(slugs) {
      const out: Record<string, string> = {};
      for (let i = 0; i < slugs.length; i += HASH_SLUGS) {
        const res = await send("/api/hashes", () => ({
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ slugs: slugs.slice(i, i + HASH_SLUGS) }),
        }));
        const text = await res.text();
        if (res.status !== 200) throw new ApiFatalError(`${origin}/api/hashes answered ${res.status}: ${text.slice(0, 300)}`);
        Object.assign(out, (JSON.parse(text) as { hashes: Record<string, string> }).hashes);
      }
      return out;
    },
    async publish(files, { dryRun, onProgress }) {
      // Batches by count and bytes, in order, read as they are sent (memory: a few batches); a few in flight.
      const report = emptyReport();
      const results: Promise<Report>[] = [];
      const inFlight = new Set<Promise<unknown>>();
      let done = 0;
      const launch = async (batch: { files: ApiFile[]; bodies: Uint8Array[] }) => {
        while (inFlight.size >= PARALLEL) await Promise.race(inFlight);
        const p = publishBatch(batch.files, batch.bodies, dryRun).then((r) => {
          done += batch.files.length;
          onProgress?.(done);
          return r;
        });
        const tracked = p.finally(() => inFlight.delete(tracked)).catch(() => {});
        inFlight.add(tracked);
        results.push(p);
      };
      let current: { files: ApiFile[]; bodies: Uint8Array[] } = { files: [], bodies: [] };
      let bytes = 0;
      for (const f of files) {
        let body: Uint8Array;
        try {
          body = readFileSync(f.display);
        } catch (err) {
          report.scanned++;
          report.rejected.push({ file: f.display, reason: `cannot read: ${(err as Error).message}` });
          continue;
        }
        if (current.files.length && (current.files.length >= BATCH_FILES || bytes + body.byteLength > BATCH_BYTES)) {
          await launch(current);
          current = { files: [], bodies: [] };
          bytes = 0;
        }
        current.files.push(f);
        current.bodies.push(body);
        bytes += body.byteLength;
      }
      if (current.files.length) await launch(current);
      for (const r of await Promise.all(results)) mergeReport(report, r);
      return report;
    },
  };
}
