import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { BASE, makePost, seedPosts } from "./helpers";

/** A D1 binding that fails the way an unreachable database does. */
function failingDb(mode: "throw" | "hang"): D1Database {
  const stmt = {
    bind: () => stmt,
    all: () => (mode === "throw" ? Promise.reject(new Error("D1_ERROR: Network connection lost.")) : new Promise(() => {})),
    first: () => (mode === "throw" ? Promise.reject(new Error("D1_ERROR: Network connection lost.")) : new Promise(() => {})),
    run: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")),
    raw: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")),
  };
  const db = {
    prepare: () => stmt,
    batch: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")),
    exec: () => Promise.reject(new Error("D1_ERROR")),
    dump: () => Promise.reject(new Error("D1_ERROR")),
    withSession: () => db,
  };
  return db as unknown as D1Database;
}

async function request(path: string, db: D1Database, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, init, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const PATHS = [
  "/",
  "/category/faultcat.html",
  "/tag/故障.html",
  "/faultcat/2024/03/04/fault-1.html",
  "/html_News/NewsShare.html?infoCode=NW202403040000001",
  "/sitemap.xml",
  "/emnews/",
];

describe("database faults", () => {
  const logged: string[] = [];
  beforeAll(async () => {
    await seedPosts([
      makePost({ slug: "fault-1", categories: ["faultcat"], tags: ["故障"], path: "/faultcat/2024/03/04/fault-1.html" }),
    ]);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logged.length = 0;
  });

  for (const path of PATHS) {
    it(`${path}: D1 throwing answers 503 with Retry-After, no stack, logged with the request id`, async () => {
      vi.spyOn(console, "error").mockImplementation((...args) => {
        logged.push(args.join(" "));
      });
      const res = await request(path, failingDb("throw"));
      expect(res.status).toBe(503);
      expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
      const id = res.headers.get("X-Request-Id");
      expect(id).toBeTruthy();
      const body = await res.text();
      expect(body).not.toMatch(/\bat \S+ \(|Error:|D1_ERROR/);
      expect(logged.some((l) => l.includes(id as string))).toBe(true);
    });
  }

  it("a D1 query that never answers times out into a 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const started = Date.now();
    const res = await request("/", failingDb("hang"));
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it("serves the stale edge copy when regeneration hits a database error", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const url = `${BASE}/category/faultcat.html`;
    const stale = new Response("<!DOCTYPE html><p>stale copy</p>", {
      headers: {
        "Content-Type": "text/html; charset=UTF-8",
        ETag: '"r1-stale"',
        "Cache-Control": "public, max-age=86400",
        "X-Edge-Fresh-Until": String(Date.now() - 1000),
      },
    });
    await caches.default.put(new Request(url), stale);
    const res = await request("/category/faultcat.html", failingDb("throw"));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("STALE");
    expect(await res.text()).toContain("stale copy");
    await caches.default.delete(new Request(url));
  });

  it("retries a read that fails transiently (D1's own transient errors, or a local SQLITE_BUSY) and answers 200", async () => {
    let failures = 0;
    const flaky = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "withSession") return () => flaky;
        if (prop !== "prepare") return Reflect.get(target, prop).bind(target);
        return (sql: string) => {
          const real = target.prepare(sql);
          const wrap = (s: D1PreparedStatement): D1PreparedStatement =>
            new Proxy(s, {
              get(st, p) {
                if (p === "bind") return (...args: unknown[]) => wrap(st.bind(...args));
                const v = Reflect.get(st, p);
                if (typeof v !== "function") return v;
                if (p === "all" || p === "first" || p === "raw") {
                  return (...args: unknown[]) => {
                    if (failures++ < 2) return Promise.reject(new Error("D1_ERROR: database is locked: SQLITE_BUSY"));
                    return v.apply(st, args);
                  };
                }
                return v.bind(st);
              },
            });
          return wrap(real);
        };
      },
    }) as D1Database;
    const res = await request("/faultcat/2024/03/04/fault-1.html", flaky);
    expect(res.status).toBe(200);
    expect(failures).toBeGreaterThan(2);
    await caches.default.delete(new Request(`${BASE}/faultcat/2024/03/04/fault-1.html`));
  });

  it("gives up after the last retry: a query failing every time is tried five times, then 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    let calls = 0;
    const db = failingDb("throw");
    const stmt = db.prepare("");
    const all = stmt.all.bind(stmt);
    const first = stmt.first.bind(stmt);
    const counted =
      <T>(f: () => T) =>
      () => {
        calls++;
        return f();
      };
    Object.assign(stmt, { all: counted(all), first: counted(first) });
    const res = await request("/faultcat/2024/03/04/fault-1.html", db);
    expect(res.status).toBe(503);
    expect(calls).toBe(5);
  });

  it("/healthz never touches D1", async () => {
    const res = await request("/healthz", failingDb("throw"));
    expect(res.status).toBe(200);
  });
});
