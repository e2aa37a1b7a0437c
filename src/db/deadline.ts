/**
 * @module db/deadline
 * A D1 wrapper that gives every query a deadline and retries a failed read
 * within it. D1 itself may take long to fail when a replica or the primary is
 * unreachable; a reader would rather get a quick 503 with Retry-After (or the
 * stale edge copy) than a hung request. Retries cover transient errors (D1
 * retries read-only queries twice itself; a local D1 that `npm run seed` is
 * writing answers SQLITE_BUSY until the seed's transaction commits). The
 * Worker only reads, so every query is safe to repeat.
 */
import type { Db } from "./reads";

export class DatabaseTimeoutError extends Error {
  constructor(ms: number) {
    super(`D1 query timed out after ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

function race<T>(p: Promise<T>, ms: number, deadlineMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(deadlineMs)), Math.max(0, ms));
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Pauses before each retry (with jitter): long enough for a local seed's batch to commit. */
export const RETRY_BACKOFF_MS = [25, 100, 300, 700];

/** Runs `query` until it succeeds, the backoff list is spent, or the next try would pass the deadline. */
async function attempt<T>(query: () => Promise<T>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (let n = 0; ; n++) {
    try {
      return await race(query(), until - Date.now(), ms);
    } catch (err) {
      const pause = RETRY_BACKOFF_MS[n];
      if (err instanceof DatabaseTimeoutError || pause === undefined) throw err;
      const wait = pause * (0.5 + Math.random() / 2);
      if (Date.now() + wait >= until) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

type Stmt = ReturnType<Db["prepare"]>;

/** A wrapped statement answers this key with the statement D1 created, which batch() must receive. */
const ORIGINAL = Symbol("original statement");

function wrapStatement(stmt: Stmt, ms: number): Stmt {
  return new Proxy(stmt, {
    get(target, prop, receiver) {
      if (prop === ORIGINAL) return target;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "bind") return (...args: unknown[]) => wrapStatement(value.apply(target, args), ms);
      if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") {
        return (...args: unknown[]) => attempt(() => value.apply(target, args), ms);
      }
      return value.bind(target);
    },
  });
}

const original = (s: Stmt): Stmt => (s as Stmt & { [ORIGINAL]?: Stmt })[ORIGINAL] ?? s;

/** `db` with every statement (and batch) retried on failure until `ms` milliseconds have passed. */
export function withDeadline(db: Db, ms: number): Db {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql), ms),
    batch: ((stmts: Stmt[]) => attempt(() => db.batch(stmts.map(original)), ms)) as Db["batch"],
  };
}
