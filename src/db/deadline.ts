/**
 * @module db/deadline
 * A D1 wrapper that gives every query a deadline. D1 itself may take long to
 * fail when a replica or the primary is unreachable; a reader would rather get
 * a quick 503 with Retry-After (or the stale edge copy) than a hung request.
 */
import type { Db } from "./repository";

export class DatabaseTimeoutError extends Error {
  constructor(ms: number) {
    super(`D1 query timed out after ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

function race<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Stmt = ReturnType<Db["prepare"]>;

/** Proxy → real statement, so batch() receives what D1 created. */
const originals = new WeakMap<object, Stmt>();

function wrapStatement(stmt: Stmt, ms: number): Stmt {
  const proxy = new Proxy(stmt, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "bind") return (...args: unknown[]) => wrapStatement(value.apply(target, args), ms);
      if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") {
        return (...args: unknown[]) => race(value.apply(target, args), ms);
      }
      return value.bind(target);
    },
  });
  originals.set(proxy, stmt);
  return proxy;
}

/** `db` with every statement's result raced against `ms` milliseconds. */
export function withDeadline(db: Db, ms: number): Db {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql), ms),
    batch: ((stmts: Stmt[]) => race(db.batch(stmts.map((s) => originals.get(s) ?? s)), ms)) as Db["batch"],
  };
}
