/**
 * @module test/node/seed-archive
 * The archive's configuration (ARCHIVE), and the seed over the sharded example
 * (`--env archive`): each post lands in the local database of its year,
 * migrations are applied to every one, a re-run writes nothing, and a full
 * database is refused by name while the others still take their posts; then
 * `wrangler dev --env archive` serves them all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectConfig, localDatabaseFile } from "../../scripts/lib/database";
import { archiveParts, ConfigError } from "../../src/config";
import { type DevServer, runSeed, startDevServer } from "../support/dev-server";
import { ROOT } from "../support/fixtures";

const dirs: string[] = [];
const temp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `finews-archive-${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("ARCHIVE", () => {
  it("is DB alone when empty", () => {
    expect(archiveParts("")).toEqual([{ binding: "DB", from: null }]);
  });

  it("lists databases oldest first, each from its first local date", () => {
    expect(archiveParts("DB_2021, DB_2022:2022-01-01, DB:2023-01-01")).toEqual([
      { binding: "DB_2021", from: null },
      { binding: "DB_2022", from: "2022-01-01" },
      { binding: "DB", from: "2023-01-01" },
    ]);
  });

  it.each([
    ["DB_2021:2021-01-01, DB:2022-01-01", /first database \(DB_2021\) holds everything before/],
    ["DB_2021, DB", /DB needs the first local date it holds/],
    ["DB_2021, DB_2022:2022-02-30, DB:2023-01-01", /DB_2022 needs the first local date/],
    ["DB_2021, DB_2023:2023-01-01, DB:2022-01-01", /dates must increase/],
    ["DB_2021, DB_2022:2022-01-01", /must include DB/],
    ["DB, DB:2022-01-01", /DB is listed twice/],
    ["DB, bad-name:2022-01-01", /entry 2 "bad-name:2022-01-01" is not BINDING/],
  ])("refuses %s", (text, message) => {
    expect(() => archiveParts(text)).toThrow(ConfigError);
    expect(() => archiveParts(text)).toThrow(message);
  });

  it("names a database ARCHIVE lists but wrangler.toml does not bind", async () => {
    const dir = temp("config");
    const path = join(dir, "wrangler.toml");
    writeFileSync(
      path,
      '[vars]\nSITE_URL = "https://x.example"\nSITE_TITLE = "t"\nSITE_AUTHOR = "a"\nARCHIVE = "DB_OLD, DB:2024-01-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "x"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\n',
    );
    await expect(loadProjectConfig(path)).rejects.toThrow(/ARCHIVE names DB_OLD, but no D1 database is bound as DB_OLD/);
  });
});

const post = (date: string, time: string, slug: string) =>
  `---\ntitle: 跨年 ${slug}\ndate: ${date} ${time} +0800\ncategories: newyear\ntags: [跨年]\n---\n\n正文 ${slug}。\n`;

describe("seeding the sharded example", () => {
  it("writes each post into the local database of its year, and a re-run writes nothing", async () => {
    const posts = temp("posts");
    const files: [string, string, string, string][] = [
      ["2021-06-01", "10:00:00", "A2021", "DB_2021"],
      ["2021-12-31", "23:59:00", "B2021", "DB_2021"],
      // 00:30 in Beijing is still 2021-12-31 in UTC: the local date decides.
      ["2022-01-01", "00:30:00", "C2022", "DB_2022"],
      ["2023-05-05", "08:00:00", "D2023", "DB_2023"],
      ["2025-02-02", "09:00:00", "E2025", "DB"],
    ];
    for (const [date, time, slug] of files) writeFileSync(join(posts, `${date}-${slug}.md`), post(date, time, slug));
    const state = temp("state");
    const first = runSeed(["--env", "archive", "--persist-to", state, "--json", posts]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.report).toMatchObject({ inserted: 5, updated: 0, rejected: [] });
    expect(first.stderr).toMatch(/applied local migrations to DB_2021/);

    const project = await loadProjectConfig(join(ROOT, "wrangler.toml"), "archive");
    const slugsIn = (binding: string) => {
      const entry = project.databases.find((d) => d.binding === binding);
      const db = new DatabaseSync(localDatabaseFile(project, state, entry), { readOnly: true });
      try {
        return (db.prepare("SELECT slug FROM posts ORDER BY slug").all() as { slug: string }[]).map((r) => r.slug);
      } finally {
        db.close();
      }
    };
    for (const binding of ["DB_2021", "DB_2022", "DB_2023", "DB"]) {
      expect(slugsIn(binding), binding).toEqual(files.filter((f) => f[3] === binding).map((f) => f[2]));
    }

    const again = runSeed(["--env", "archive", "--persist-to", state, "--json", "--full", posts]);
    expect(again.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it("refuses the posts of a full database by name and writes the others", () => {
    const posts = temp("full-posts");
    writeFileSync(join(posts, "2023-05-05-F2023.md"), post("2023-05-05", "08:00:00", "F2023"));
    writeFileSync(join(posts, "2025-02-02-G2025.md"), post("2025-02-02", "09:00:00", "G2025"));
    const state = temp("full-state");
    // Created by a first run under the real limit.
    expect(runSeed(["--env", "archive", "--persist-to", state, join(posts, "2025-02-02-G2025.md")]).status).toBe(0);
    // The same setup with a limit every database is over (a fresh one takes about 100 kB).
    const config = join(temp("full-config"), "wrangler.toml");
    const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
      .replaceAll('migrations_dir = "migrations"', `migrations_dir = ${JSON.stringify(join(ROOT, "migrations"))}`)
      .replace(/ARCHIVE_MAX_BYTES = "9500000000"\n(?![\s\S]*ARCHIVE_MAX_BYTES)/, 'ARCHIVE_MAX_BYTES = "50000"\n');
    expect(toml).toContain('ARCHIVE_MAX_BYTES = "50000"');
    writeFileSync(config, toml);
    const r = runSeed(["--config", config, "--env", "archive", "--persist-to", state, "--json", posts]);
    expect(r.status).toBe(1);
    expect(r.report?.rejected).toEqual([
      { file: expect.stringContaining("2023-05-05-F2023.md"), reason: expect.stringMatching(/database DB_2023 is full/) },
    ]);
    expect(r.report).toMatchObject({ unchanged: 1, inserted: 0 });
  });
});

describe("wrangler dev --env archive", () => {
  const site = "https://finews.withounder.com";
  // Share codes carry the date, as the scraper's do.
  const files: [string, string, string][] = [
    ["2021-06-01", "10:00:00", "NW202106010000000001"],
    ["2021-12-31", "23:59:00", "NW202112310000000002"],
    ["2022-01-01", "00:30:00", "NW202201010000000003"],
    ["2023-05-05", "08:00:00", "NW202305050000000004"],
    ["2025-02-02", "09:00:00", "NW202502020000000005"],
  ];
  const pathOf = ([date, , slug]: (typeof files)[0]) => `/newyear/${date.replaceAll("-", "/")}/${slug}.html`;
  let server: DevServer;
  afterAll(async () => {
    await server?.stop();
  });

  it("serves every post, share link, list and feed from the database of each post's year", async () => {
    const posts = temp("dev-posts");
    for (const [date, time, slug] of files) writeFileSync(join(posts, `${date}-${slug}.md`), post(date, time, slug));
    server = await startDevServer({ env: "archive", seed: [posts] });
    for (const f of files) {
      const res = await fetch(`${server.url}${pathOf(f)}`);
      expect(res.status, pathOf(f)).toBe(200);
      expect(await res.text()).toContain(`正文 ${f[2]}`);
      const share = await fetch(`${server.url}/html_News/NewsShare.html?infoCode=${f[2]}`, { redirect: "manual" });
      expect(share.status, f[2]).toBe(301);
      // wrangler dev's proxy turns the upstream host of a redirect back into its own.
      expect(new URL(share.headers.get("Location") ?? "", server.url).pathname).toBe(pathOf(f));
    }
    // Newest first across all four databases, nothing missing or repeated.
    const newestFirst = files.map(pathOf).reverse();
    const page = await (await fetch(`${server.url}/category/newyear.html`)).text();
    const listed = [...page.matchAll(/href="(?:https:\/\/finews\.withounder\.com)?(\/newyear\/\d{4}\/[^"]+\.html)"/g)].map(
      (m) => m[1],
    );
    expect([...new Set(listed)]).toEqual(newestFirst);
    const feed = await (await fetch(`${server.url}/category/newyear/feed.json`)).json();
    expect((feed as { items: { url: string }[] }).items.map((i) => i.url)).toEqual(newestFirst.map((p) => `${site}${p}`));
    // Sitemaps are UTC days: 2021-12-31 (UTC) holds both sides of the Beijing new year.
    const day = await (await fetch(`${server.url}/sitemaps/2021-12-31.xml`)).text();
    for (const f of files.slice(1, 3)) expect(day).toContain(`${site}${pathOf(f)}`);
  }, 120_000);
});
