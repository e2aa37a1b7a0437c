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
import { type ParseContext, parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";

export interface PostFile {
  file: string;
  basename: string;
}

/** What became of one file: its post, or why it was refused; warnings either way. */
export type FileOutcome = { file: string; warnings: string[] } & ({ ok: true; post: PostRecord } | { ok: false; reason: string });

/** The serializable part of ParseContext (a worker builds its own hash function). */
export type ParseSettings = Omit<ParseContext, "sha256">;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

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
    ? { file: f.file, ok: true, post: r.post, warnings: r.warnings }
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
      return out;
    },
    close: async () => {},
  };
}

interface Job {
  files: PostFile[];
  resolve(outcomes: FileOutcome[]): void;
  reject(err: Error): void;
}

/** Files per message: big enough that a message costs little, small enough to keep every thread busy. */
const SLICE = 25;

function poolParser(settings: ParseSettings, threads: number): Parser {
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(err);
    busy.clear();
  };
  const pump = () => {
    while (idle.length && queue.length) {
      const w = idle.pop() as Worker;
      const job = queue.shift() as Job;
      busy.set(w, job);
      w.postMessage(job.files);
    }
  };
  const workers = Array.from({ length: threads }, () => {
    // Workers inherit execArgv, so the TypeScript hooks the seed runs under load there too.
    const w = new Worker(new URL("./parse-worker.ts", import.meta.url), { workerData: settings });
    w.on("message", (outcomes: FileOutcome[]) => {
      const job = busy.get(w);
      busy.delete(w);
      idle.push(w);
      job?.resolve(outcomes);
      pump();
    });
    w.on("error", fail);
    w.on("exit", (code) => {
      if (code !== 0 && !failure) fail(new Error(`a parse thread exited with code ${code}`));
    });
    idle.push(w);
    return w;
  });
  return {
    async parse(files) {
      if (failure) throw failure;
      const slices: Promise<FileOutcome[]>[] = [];
      for (let i = 0; i < files.length; i += SLICE) {
        slices.push(new Promise((resolve, reject) => queue.push({ files: files.slice(i, i + SLICE), resolve, reject })));
      }
      pump();
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
