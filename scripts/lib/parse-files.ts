/**
 * @module scripts/lib/parse-files
 * Reads and parses post files, in this thread or spread over worker threads.
 * Parsing (markdown, sanitizing, hashing) is most of a bulk seed's CPU time,
 * so a big run parses on every core while the main thread writes the
 * previous chunk; a small run (publishing one post) parses inline and starts
 * no thread at all.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SiteConfig } from "../../src/config";
import { type ParseContext, parsePost } from "../../src/content/post";
import { searchDocument } from "../../src/content/search-text";
import type { StoredPost } from "../../src/db/statements";
import { entriesAtWrite } from "../../src/ingest/entries";

export interface PostFile {
  file: string;
  basename: string;
}

/** What became of one file: its post, or why it was refused; warnings either way. */
export type FileOutcome = { file: string; warnings: string[] } & ({ ok: true; post: StoredPost } | { ok: false; reason: string });

/** The serializable part of ParseContext (a worker builds its own hash function), and the site feed entries are written for. */
export type ParseSettings = Omit<ParseContext, "sha256"> & { site?: SiteConfig };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Adds the feed entries stored with each parsed post (src/ingest/entries), rendered in one pass
 * for the whole list: the seed's parse threads do this work, not its writing thread.
 */
export function withFeedEntries(outcomes: FileOutcome[], site: SiteConfig | undefined): FileOutcome[] {
  if (!site) return outcomes;
  const ok = outcomes.filter((o): o is FileOutcome & { ok: true } => o.ok);
  const entries = entriesAtWrite(
    site,
    ok.map((o) => o.post),
    Date.now(),
  );
  ok.forEach((o, i) => {
    o.post.feed = entries[i] ?? null;
  });
  return outcomes;
}

export async function parseFile(f: PostFile, settings: ParseSettings): Promise<FileOutcome> {
  let bytes: Uint8Array;
  try {
    // Synchronous reads are several times cheaper than fs/promises for small files.
    bytes = readFileSync(f.file);
  } catch (err) {
    return { file: f.file, ok: false, reason: `cannot read: ${(err as Error).message}`, warnings: [] };
  }
  const r = await parsePost(bytes, f.basename, { ...settings, sha256 });
  return r.ok
    ? {
        file: f.file,
        ok: true,
        // Tokenized here, on the parse threads, so the writing thread only inserts.
        post: { ...r.post, file: f.basename, search: searchDocument(r.post.title, r.post.bodyHtml) },
        warnings: r.warnings,
      }
    : { file: f.file, ok: false, reason: r.reason, warnings: r.warnings };
}

export interface Parser {
  /** Outcomes in the order of `files`. */
  parse(files: PostFile[]): Promise<FileOutcome[]>;
  close(): Promise<void>;
}

function inlineParser(settings: ParseSettings): Parser {
  return {
    async parse(files) {
      const out: FileOutcome[] = [];
      for (const [i, f] of files.entries()) {
        // Yield now and then, so the previous chunk's database requests keep moving meanwhile.
        if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
        out.push(await parseFile(f, settings));
      }
      return withFeedEntries(out, settings.site);
    },
    close: async () => {},
  };
}

interface Pending {
  resolve(outcomes: FileOutcome[]): void;
  reject(err: Error): void;
}

/** Files per message: big enough that a message costs little, small enough to spread evenly. */
const SLICE = 25;

/** Old-generation heap per parse thread; the largest post (D1 caps a row at 2 MB) needs a fraction of it. */
const OLD_GENERATION_MB = 96;

/**
 * Every slice is posted to a thread's inbox as soon as its chunk is dispatched (round robin), so the
 * threads never wait for the main thread, which is busy in synchronous SQLite writes much of the time.
 */
function poolParser(settings: ParseSettings, threads: number): Parser {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let turn = 0;
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const workers = Array.from({ length: threads }, () => {
    // Workers inherit execArgv, so the TypeScript hooks the seed runs under load there too.
    const w = new Worker(new URL("./parse-worker.ts", import.meta.url), {
      workerData: settings,
      // A bounded heap makes V8 collect sooner instead of growing: each thread needs far less than this.
      resourceLimits: { maxOldGenerationSizeMb: OLD_GENERATION_MB },
    });
    w.on("message", ({ id, outcomes }: { id: number; outcomes: FileOutcome[] }) => {
      pending.get(id)?.resolve(outcomes);
      pending.delete(id);
    });
    w.on("error", fail);
    w.on("exit", (code) => {
      if (code !== 0 && !failure) fail(new Error(`a parse thread exited with code ${code}`));
    });
    return w;
  });
  return {
    async parse(files) {
      if (failure) throw failure;
      const slices: Promise<FileOutcome[]>[] = [];
      for (let i = 0; i < files.length; i += SLICE) {
        const id = nextId++;
        slices.push(new Promise((resolve, reject) => pending.set(id, { resolve, reject })));
        (workers[turn++ % workers.length] as Worker).postMessage({ id, files: files.slice(i, i + SLICE) });
      }
      return (await Promise.all(slices)).flat();
    },
    async close() {
      failure ??= new Error("parser closed");
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Below this many files, starting threads costs more than it saves. */
const POOL_MIN_FILES = 200;

/**
 * A parser for `count` files: worker threads on a multi-core machine for a big run, else inline.
 * SEED_THREADS=N overrides the thread count (1: always inline).
 */
export function createParser(settings: ParseSettings, count: number): Parser {
  const threads = Number(process.env.SEED_THREADS) || Math.min(availableParallelism(), 8);
  return count >= POOL_MIN_FILES && threads > 1 ? poolParser(settings, threads) : inlineParser(settings);
}
