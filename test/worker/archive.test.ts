/**
 * @module test/worker/archive
 * The archive over several databases: where each post is written (the local
 * date decides, Asia/Shanghai, on both sides of a new year), which databases a
 * request asks, pages and feeds that cross a boundary, the routing table,
 * moves, and a full database. Runs in both setups; the database-specific
 * checks only where there are several (the `worker-archive` project).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { dayOfCode, dayOfPath, shardAt, shardsNearDay } from "../../src/db/archive";
import { syncArchive, type WriteTarget } from "../../src/db/archive-sync";
import { d1Executor } from "../../src/db/sync";
import { CLOCK_MARGIN_MS } from "../../src/http/edge";
import { archiveShards, BASE, databaseAt, get, makePost, seedPosts, sharded } from "./helpers";
import { parseFeed } from "./feed-parse";

/** 2022-01-01 00:30 in Beijing: still 2021 in UTC. */
const AFTER_NEW_YEAR = Date.UTC(2021, 11, 31, 16, 30);
/** 2021-12-31 23:59 in Beijing. */
const BEFORE_NEW_YEAR = Date.UTC(2021, 11, 31, 15, 59);

const boundaryPosts = [
  makePost({
    slug: "NW202201010030000001",
    infoCode: "NW202201010030000001",
    publishedAt: AFTER_NEW_YEAR,
    localDate: "2022-01-01",
    path: "/newyear/2022/01/01/NW202201010030000001.html",
    categories: ["newyear"],
    categoriesRaw: "newyear",
  }),
  makePost({
    slug: "NW202112312359000002",
    infoCode: "NW202112312359000002",
    publishedAt: BEFORE_NEW_YEAR,
    localDate: "2021-12-31",
    path: "/newyear/2021/12/31/NW202112312359000002.html",
    categories: ["newyear"],
    categoriesRaw: "newyear",
  }),
];

/** Every query each database is asked during one request, by binding. */
async function recorded(path: string): Promise<{ res: Response; asked: Record<string, string[]> }> {
  const asked: Record<string, string[]> = {};
  const wrapped: Record<string, D1Database> = {};
  for (const s of archiveShards()) {
    const calls: string[] = [];
    asked[s.name] = calls;
    const db = {
      prepare: (sql: string) => {
        calls.push(sql);
        return s.db.prepare(sql);
      },
      batch: s.db.batch.bind(s.db),
      withSession: () => db,
    };
    wrapped[s.name] = db as unknown as D1Database;
  }
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, undefined, { ...env, ...wrapped }, ctx);
  await waitOnExecutionContext(ctx);
  for (const k of Object.keys(asked)) if (!asked[k]?.length) delete asked[k];
  return { res, asked };
}

const nameOf = (ms: number) => shardAt(archiveShards(), ms).name;

describe("dates decide the database", () => {
  beforeAll(async () => {
    await seedPosts(boundaryPosts);
  });

  it("reads a date from a path and from a share code", () => {
    expect(dayOfPath("/emnews/2022/01/01/x.html")).toBe("2022-01-01");
    expect(dayOfPath("/about/")).toBeNull();
    expect(dayOfCode("NW202201010030000001")).toBe("2022-01-01");
    expect(dayOfCode("202112312359000002")).toBe("2021-12-31");
    expect(dayOfCode("NW202213010000000001")).toBeNull();
  });

  it("stores each side of the new year in its own database (Beijing time, as the permalink)", async () => {
    const [after, before] = boundaryPosts as [(typeof boundaryPosts)[0], (typeof boundaryPosts)[0]];
    const inAfter = await databaseAt(AFTER_NEW_YEAR).prepare("SELECT slug FROM posts WHERE slug = ?1").bind(after.slug).first();
    const inBefore = await databaseAt(BEFORE_NEW_YEAR)
      .prepare("SELECT slug FROM posts WHERE slug = ?1")
      .bind(before.slug)
      .first();
    expect(inAfter).toEqual({ slug: after.slug });
    expect(inBefore).toEqual({ slug: before.slug });
    if (sharded()) {
      expect(nameOf(AFTER_NEW_YEAR)).toBe("DB_2022");
      expect(nameOf(BEFORE_NEW_YEAR)).toBe("DB_2021");
      // UTC says 2021 for the first, but it is not in the 2021 database.
      expect(
        await databaseAt(BEFORE_NEW_YEAR).prepare("SELECT 1 FROM posts WHERE slug = ?1").bind(after.slug).first(),
      ).toBeNull();
    }
  });

  it("answers each permalink and share link from the database of its date", async () => {
    for (const p of boundaryPosts) {
      const { res, asked } = await recorded(`${p.path}?r=${crypto.randomUUID()}`);
      expect(res.status, p.path).toBe(200);
      expect(Object.keys(asked), JSON.stringify(asked)).toEqual([nameOf(p.publishedAt)]);
      const share = await recorded(`/html_News/NewsShare.html?infoCode=${p.infoCode}&r=${crypto.randomUUID()}`);
      expect(share.res.status).toBe(301);
      expect(share.res.headers.get("Location")).toBe(`${BASE}${p.path}`);
      // A day next to a boundary may ask the database on the other side as well; never more.
      expect(Object.keys(share.asked).length).toBeLessThanOrEqual(2);
      expect(Object.keys(share.asked)).toContain(nameOf(p.publishedAt));
    }
  });

  it("redirects the UTC spelling of a post just after midnight across the boundary", async () => {
    // Jekyll dated offset-less times in UTC: the 2022 post once lived at /2021/12/31/.
    const res = await get("/newyear/2021/12/31/NW202201010030000001.html");
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe(`${BASE}/newyear/2022/01/01/NW202201010030000001.html`);
  });

  it("pages a category newest first across the boundary without gaps or repeats", async () => {
    const res = await get("/category/newyear/atom.xml?limit=1");
    const first = parseFeed("atom", await res.text());
    expect(first.entries.map((i) => i.link)).toEqual([`${BASE}${boundaryPosts[0]?.path}`]);
    const next = first.next as string;
    expect(next).toBeTruthy();
    const second = parseFeed("atom", await (await get(next)).text());
    expect(second.entries.map((i) => i.link)).toEqual([`${BASE}${boundaryPosts[1]?.path}`]);
  });

  it("lists both sides in the day's sitemaps", async () => {
    const index = await (await get("/sitemap.xml")).text();
    expect(index).toContain(`${BASE}/sitemaps/2021-12-31.xml`);
    const day = await (await get("/sitemaps/2021-12-31.xml")).text();
    for (const p of boundaryPosts) expect(day).toContain(`${BASE}${p.path}`);
  });
});

describe("pages of new posts ask the newest database only", () => {
  // Read in beforeAll: at collection time workerd's clock still reads the epoch.
  let now = 0;
  beforeAll(async () => {
    now = Date.now();
    // More than a page of each kind (30 + 1 for HTML pages).
    await seedPosts(
      Array.from({ length: 40 }, (_, i) =>
        makePost({
          slug: `fresh-${i}`,
          publishedAt: now - (i + 1) * 60_000,
          categories: ["freshcat"],
          categoriesRaw: "freshcat",
        }),
      ),
      now,
    );
  });

  it.each(["/feed.xml?limit=20", "/category/freshcat/feed.json?limit=20", "/?r=1", "/category/freshcat.html"])(
    "%s",
    async (path) => {
      const { res, asked } = await recorded(`${path}${path.includes("?") ? "&" : "?"}q=${crypto.randomUUID()}`);
      expect(res.status).toBe(200);
      expect(Object.keys(asked)).toEqual([nameOf(now)]);
    },
  );
});

describe("configuration", () => {
  it("answers like any bad setting, naming ARCHIVE and the binding, when it lists a database that is not bound", async () => {
    const ctx = createExecutionContext();
    const res = await app.request(`${BASE}/`, undefined, { ...env, ARCHIVE: "DB, DB_MISSING:2030-01-01" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toMatch(/ARCHIVE.*DB_MISSING, but no D1 database is bound/);
    expect(body).not.toMatch(/at \w+ \(|Error:/);
  });
});

describe.runIf(sharded())("several databases", () => {
  const target = (): WriteTarget => ({
    shards: archiveShards().map((s) => ({ ...s, db: d1Executor(s.db) })),
    timeZone: "Asia/Shanghai",
    maxBytes: Number.POSITIVE_INFINITY,
  });

  it("names at most two databases for a day, the day's own first", () => {
    const shards = archiveShards();
    expect(shardsNearDay(shards, "2022-06-15", "Asia/Shanghai").map((s) => s.name)).toEqual(["DB_2022"]);
    expect(shardsNearDay(shards, "2022-01-01", "Asia/Shanghai").map((s) => s.name)).toEqual(["DB_2022", "DB_2021"]);
    expect(shardsNearDay(shards, "2021-12-31", "Asia/Shanghai").map((s) => s.name)).toEqual(["DB_2021", "DB_2022"]);
  });

  it("finds a permalink without a date, and a share code dated far from its post, through the routing table", async () => {
    const post = makePost({
      slug: "routed-1",
      infoCode: "NW201901010000000009",
      publishedAt: Date.UTC(2023, 5, 1, 2),
      localDate: "2023-06-01",
      path: "/pages/about-routing/",
      permalink: "/pages/about-routing/",
    });
    await syncArchive(target(), [post], Date.now());
    const page = await recorded(`/pages/about-routing/?r=${crypto.randomUUID()}`);
    expect(page.res.status).toBe(200);
    // The routing table is in the primary; then the post's own database.
    expect(Object.keys(page.asked).sort()).toEqual(["DB", "DB_2023"]);
    const share = await get(`/html_News/NewsShare.html?infoCode=${post.infoCode}`);
    expect(share.headers.get("Location")).toBe(`${BASE}/pages/about-routing/`);
  });

  it("moves a post whose date changed to its new database, and counts it updated", async () => {
    const v1 = makePost({
      slug: "mover-1",
      publishedAt: Date.UTC(2022, 2, 1, 2),
      path: "/mv/2022/03/01/mover-1.html",
      file: "2022-03-01-mover-1.md",
    } as never);
    const t = target();
    expect([...(await syncArchive(t, [{ ...v1, file: "2022-03-01-mover-1.md" }], Date.now())).values()]).toEqual(["inserted"]);
    const v2 = {
      ...v1,
      publishedAt: Date.UTC(2023, 2, 1, 2),
      localDate: "2023-03-01",
      path: "/mv/2023/03/01/mover-1.html",
      hash: "other",
      file: "2022-03-01-mover-1.md",
    };
    expect([...(await syncArchive(t, [v2], Date.now())).values()]).toEqual(["updated"]);
    const db2022 = archiveShards().find((s) => s.name === "DB_2022")?.db as D1Database;
    expect(await db2022.prepare("SELECT 1 FROM posts WHERE slug = 'mover-1'").first()).toBeNull();
    expect((await get("/mv/2022/03/01/mover-1.html")).status).toBe(404);
    expect((await get("/mv/2023/03/01/mover-1.html")).status).toBe(200);
  });

  it("voids the edge's copies when a post in an older database changes, and a hit asks DB alone", async () => {
    const old = makePost({
      slug: "edge-old-1",
      publishedAt: Date.UTC(2022, 4, 1, 2),
      localDate: "2022-05-01",
      path: "/edgeold/2022/05/01/edge-old-1.html",
      categories: ["edgeold"],
      categoriesRaw: "edgeold",
    });
    const t = target();
    await syncArchive(t, [old], Date.now());
    // The copy is DB's edge_changes, which only the emulated edge reads: DB's own log (the purger's
    // and WebSub's) does not hold it, so a change is purged and announced once.
    const primary = archiveShards().find((s) => s.name === "DB")?.db as D1Database;
    expect(await primary.prepare("SELECT 1 FROM edge_changes WHERE tag = 'c:edgeold'").first()).not.toBeNull();
    expect(await primary.prepare("SELECT 1 FROM cache_changes WHERE tag = 'c:edgeold'").first()).toBeNull();
    // A copy rendered within the clock margin of a change to its tags is never trusted.
    await new Promise((r) => setTimeout(r, CLOCK_MARGIN_MS + 50));
    const paths = [old.path, "/category/edgeold.html", "/category/edgeold/atom.xml"];
    for (const p of paths) {
      expect((await recorded(p)).res.headers.get("X-Cache"), p).toBe("MISS");
      const hit = await recorded(p);
      expect(hit.res.headers.get("X-Cache"), p).toBe("HIT");
      // The change log of every database is copied into DB's: one query, however many databases.
      expect(hit.asked, p).toEqual({ DB: [expect.stringContaining("cache_changes")] });
    }
    await syncArchive(t, [{ ...old, title: "旧库改过的标题", hash: "edge-old-changed" }], Date.now());
    for (const p of paths) {
      const { res } = await recorded(p);
      expect(res.headers.get("X-Cache"), p).toBe("MISS");
      expect(await res.text(), p).toContain("旧库改过的标题");
    }
  });

  it("refuses posts for a full database, naming it and the change to make, and writes nothing there", async () => {
    const full = { ...target(), maxBytes: 1 };
    const refused: [string, string][] = [];
    const post = makePost({ slug: "full-1", publishedAt: Date.UTC(2023, 7, 1, 2), path: "/full/2023/08/01/full-1.html" });
    const out = await syncArchive(full, [post], Date.now(), { onFull: (slug, reason) => refused.push([slug, reason]) });
    expect(out.size).toBe(0);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.[1]).toMatch(/database DB_2023 is full: .*ARCHIVE_MAX_BYTES.*add it to ARCHIVE/);
    const db2023 = archiveShards().find((s) => s.name === "DB_2023")?.db as D1Database;
    expect(await db2023.prepare("SELECT 1 FROM posts WHERE slug = 'full-1'").first()).toBeNull();
  });
});
