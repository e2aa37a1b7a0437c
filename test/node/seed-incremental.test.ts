/**
 * The seed at the scraper's pace: re-runs that read only what changed (the
 * manifest), `--api` publishing through a real `wrangler dev` with the same
 * result as writing the database directly, and a report that summarises
 * warnings by kind.
 */
import { cpSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, runSeed, startDevServer } from "../support/dev-server";
import { openLocalD1File, tempFolders } from "../support/temp";
import { EXAMPLES, FIXTURES, ROOT } from "../support/fixtures";

const SLOW = 240_000;
const temp = tempFolders();

const d1 = openLocalD1File;
const COLUMNS =
  "slug, title, path, hash, body_html, summary, categories, tags, published_at, published, file, feed_key, feed_atom";
function posts(persistDir: string): Record<string, unknown>[] {
  const db = d1(persistDir);
  try {
    return db
      .prepare(`SELECT ${COLUMNS} FROM posts ORDER BY slug`)
      .all()
      .map((r) => ({ ...r }));
  } finally {
    db.close();
  }
}

/** A folder of posts: the bundled examples and the routing fixtures (warnings and a rejection included). */
function corpus(): string {
  const dir = temp("corpus");
  cpSync(EXAMPLES, join(dir, "examples"), { recursive: true });
  cpSync(FIXTURES, join(dir, "fixtures"), { recursive: true });
  writeFileSync(join(dir, "fixtures", "2024-05-01-broken.md"), "no front matter here\n");
  return dir;
}

describe("re-runs read only what changed", () => {
  let dir: string;
  let state: string;
  beforeAll(() => {
    dir = corpus();
    state = temp("state");
  });

  it(
    "counts unchanged files without reading them, reads what changed, and trusts nothing after the database is gone",
    () => {
      const first = runSeed(["--persist-to", state, "--json", dir]);
      expect(first.report?.rejected).toHaveLength(1);
      const written = (first.report?.inserted ?? 0) + (first.report?.updated ?? 0);
      expect(written).toBeGreaterThan(10);

      // Nothing changed: every valid file is vouched for; the broken one is read (and refused) again.
      const second = runSeed(["--persist-to", state, dir]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`\\(${written} of the unchanged were not read`));

      // One file edited: it alone is read and updated.
      const file = join(dir, "examples", readdirSync(join(dir, "examples"))[0] as string);
      writeFileSync(file, readFileSync(file, "utf8").replace(/\n---\n/, "\n---\n\n补充一句。\n"));
      // Whole seconds: Node passes times to utimes as float seconds, so restoring a millisecond
      // time can land a fraction of a millisecond early and read back as another millisecond.
      const when = Math.floor(Date.now() / 1000) - 60;
      utimesSync(file, when, when);
      const third = runSeed(["--persist-to", state, "--json", dir]);
      expect(third.report).toMatchObject({ updated: 1, unchanged: written - 1, inserted: 0 });

      // Same size and time, other bytes: trusted (the documented trade-off) until --full reads everything.
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace("补充一句", "补充两句"));
      utimesSync(file, when, when);
      expect(runSeed(["--persist-to", state, "--json", dir]).report).toMatchObject({ updated: 0 });
      expect(runSeed(["--persist-to", state, "--json", "--full", dir]).report).toMatchObject({ updated: 1 });

      // Another writer since the last run (the database's change log moved): the stored hashes are
      // asked for, they still match, and the files are still not read.
      const other = temp("other");
      writeFileSync(join(other, "2024-06-01-OTHER0001.md"), "---\ntitle: 别处写入\ndate: 2024-06-01 10:00:00\n---\n\n正文。\n");
      expect(runSeed(["--persist-to", state, other]).status).toBe(0);
      const afterOther = runSeed(["--persist-to", state, dir]);
      expect(afterOther.stderr).toMatch(new RegExp(`\\(${written} of the unchanged were not read`));

      // The database deleted: the manifest's hashes are not there, so every file is read and inserted again.
      rmSync(join(state, "v3"), { recursive: true, force: true });
      expect(runSeed(["--persist-to", state, "--json", dir]).report).toMatchObject({ inserted: written, unchanged: 0 });
    },
    SLOW,
  );

  it("leaves no manifest behind a dry run", () => {
    const fresh = temp("dry");
    const r = runSeed(["--persist-to", fresh, "--dry-run", "--json", dir]);
    expect(r.status).toBe(1);
    expect(readdirSync(fresh)).toEqual([]);
  });
});

describe("the human report summarises warnings by kind", () => {
  it("shows each kind once with its count and first files; --json keeps every warning", () => {
    const dir = temp("warnings");
    for (let i = 1; i <= 5; i++) {
      writeFileSync(
        join(dir, `2024-05-0${i}-W00000${i}.md`),
        `---\ntitle: "他说"不${i}"然后"\ndate: 2024-05-0${i} 10:00:00\ncategories: emnews\n---\n\n正文。\n`,
      );
    }
    const state = temp("warnings-state");
    const human = runSeed(["--persist-to", state, dir]);
    expect(human.status).toBe(0);
    expect(human.stderr).toMatch(/^\s+5 × front matter is not valid YAML \(…\); read known keys line by line$/m);
    expect(human.stderr).toContain("… and 2 more (--json lists every warning)");
    expect(human.stderr.match(/W00000/g)).toHaveLength(3);
    const json = runSeed(["--persist-to", temp("warnings-json"), "--json", dir]);
    expect(json.report?.warnings).toHaveLength(5);
  });
});

describe("seed --api through wrangler dev", () => {
  const TOKEN = "seed-api-test-token-5b1e";
  let dev: DevServer;
  let config: string;
  beforeAll(async () => {
    // Seeded with the examples (which also applies the migrations), like the local database below.
    dev = await startDevServer({ seed: [EXAMPLES], vars: { INGEST_TOKEN: TOKEN } });
    // A copy of the project's config, so the API target's manifest lands in a temporary folder.
    const conf = temp("api-conf");
    cpSync(join(ROOT, "wrangler.toml"), join(conf, "wrangler.toml"));
    cpSync(join(ROOT, "migrations"), join(conf, "migrations"), { recursive: true });
    config = join(conf, "wrangler.toml");
  }, SLOW);
  afterAll(async () => {
    await dev?.stop();
  });

  it(
    "stores the same rows as seeding the database directly, with the same report",
    () => {
      const dir = corpus();
      const api = runSeed(["--api", dev.url, "--config", config, "--json", dir], { env: { FINEWS_INGEST_TOKEN: TOKEN } });
      const localState = temp("api-local");
      expect(runSeed(["--persist-to", localState, EXAMPLES]).status).toBe(0);
      const local = runSeed(["--persist-to", localState, "--json", dir]);
      expect(api.status, api.stderr).toBe(1);
      expect(api.report).toEqual(local.report);
      expect(posts(dev.persistDir)).toEqual(posts(localState));

      // Again, unchanged: nothing is sent but the hash lookup.
      const again = runSeed(["--api", dev.url, "--config", config, dir], { env: { FINEWS_INGEST_TOKEN: TOKEN } });
      expect(again.stderr).toMatch(/of the unchanged were not read/);
    },
    SLOW,
  );

  it("stops with exit 2 and a clear message without a token, with a wrong one, and beside --remote", () => {
    const dir = corpus();
    const none = runSeed(["--api", dev.url, "--config", config, dir], { env: { FINEWS_INGEST_TOKEN: "" } });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("FINEWS_INGEST_TOKEN");
    const wrong = runSeed(["--api", dev.url, "--config", config, dir], { env: { FINEWS_INGEST_TOKEN: "nope" } });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/refused the token \(401\)/);
    expect(wrong.stderr).not.toContain(TOKEN);
    const both = runSeed(["--api", dev.url, "--remote", dir]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("--local, --remote and --api exclude each other");
  });
});
