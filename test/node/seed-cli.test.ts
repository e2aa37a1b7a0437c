/**
 * The seed command's contract, through the real CLI (test/support/dev-server
 * runSeed): JSON report, exit codes, paths as given, skipped files, dry runs,
 * re-runs, duplicates, --persist-to shared with wrangler, the real corpus
 * from ../shared, and a run killed mid-write. The D1 file a run wrote is
 * read back with node:sqlite.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type SeedRun, runSeed } from "../support/dev-server";
import { openLocalD1File, tempFolders } from "../support/temp";
import { hasFiles, optional } from "../support/requires";
import { REAL_CORPUS, ROOT } from "../support/fixtures";

const SEED = join(ROOT, "test/fixtures/seed");
const HAVE_REAL = optional("seed-cli (the real corpus)", REAL_CORPUS, hasFiles(REAL_CORPUS));
const MALFORMED_REAL = ["-202205262391921712.md", "2021-12-08-202112082206703990.md"];
const SLOW = 240_000;

const temp = tempFolders();

const openD1 = openLocalD1File;
function rows<T = Record<string, unknown>>(persistDir: string, sql: string): T[] {
  const db = openD1(persistDir);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
const snapshot = (dir: string) =>
  rows(dir, "SELECT slug, hash, created_at, updated_at, path, title FROM posts ORDER BY slug").map((r) => ({ ...r }));

function expectReportShape(r: SeedRun): NonNullable<SeedRun["report"]> {
  expect(r.report, `stdout was not one JSON object:\n${r.stdout}\nstderr:\n${r.stderr}`).not.toBeNull();
  expect(r.stdout.trim().split("\n")).toHaveLength(1);
  const report = r.report as NonNullable<SeedRun["report"]>;
  expect(Object.keys(report)).toEqual(["scanned", "inserted", "updated", "unchanged", "rejected", "warnings", "skipped"]);
  for (const x of report.rejected) expect(Object.keys(x)).toEqual(["file", "reason"]);
  for (const x of report.warnings) expect(Object.keys(x)).toEqual(["file", "message"]);
  for (const x of report.skipped) expect(Object.keys(x)).toEqual(["file", "reason"]);
  return report;
}

describe.skipIf(!HAVE_REAL)("the real corpus (../shared/corpus/real)", () => {
  let dir: string;
  let first: SeedRun;
  beforeAll(() => {
    dir = temp("real");
    first = runSeed(["--persist-to", dir, "--json", REAL_CORPUS]);
  }, SLOW);

  it("stores all 43 posts into an empty local D1, the two malformed ones recovered with warnings", () => {
    const report = expectReportShape(first);
    expect(first.status).toBe(0);
    expect(report).toMatchObject({ scanned: 43, inserted: 43, updated: 0, unchanged: 0, rejected: [], skipped: [] });
    expect(new Set(report.warnings.map((w) => w.file))).toEqual(new Set(MALFORMED_REAL.map((f) => `${REAL_CORPUS}/${f}`)));
    expect(rows(dir, "SELECT count(*) AS n, count(DISTINCT slug) AS d FROM posts")).toEqual([{ n: 43, d: 43 }]);
    const [dateless] = rows<{ title: string; local_date: string; path: string }>(
      dir,
      "SELECT title, local_date, path FROM posts WHERE slug = '202205262391921712'",
    );
    expect(dateless?.local_date).toBe("2022-05-26");
    expect(dateless?.title).toMatch(/^据霍尼韦尔官网消息.*制冷剂。$/);
    const [blankLine] = rows<{ title: string }>(dir, "SELECT title FROM posts WHERE slug = '202112082206703990'");
    expect(blankLine?.title).toBe("FF：有充足的现金支持到FF 91完成投产");
  });

  it(
    "is what `wrangler d1 … --persist-to` sees: same files, migrations recorded the way wrangler does",
    () => {
      const bin = join(ROOT, "node_modules/.bin/wrangler");
      const env = { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true" };
      const q = spawnSync(
        bin,
        ["d1", "execute", "DB", "--local", "--persist-to", dir, "--json", "--command", "SELECT count(*) AS n FROM posts"],
        {
          cwd: ROOT,
          encoding: "utf8",
          env,
        },
      );
      expect(q.status, q.stderr).toBe(0);
      expect(JSON.parse(q.stdout)[0].results).toEqual([{ n: 43 }]);
      const m = spawnSync(bin, ["d1", "migrations", "list", "DB", "--local", "--persist-to", dir], {
        cwd: ROOT,
        encoding: "utf8",
        env,
      });
      expect(m.status, m.stderr).toBe(0);
      expect(m.stdout + m.stderr).toMatch(/No migrations to apply/);
    },
    SLOW,
  );

  it(
    "reports 43 unchanged on a second run and writes no post (updated_at of every row unchanged)",
    () => {
      const before = snapshot(dir);
      const again = runSeed(["--persist-to", dir, "--json", REAL_CORPUS]);
      expect(again.status).toBe(0);
      expect(expectReportShape(again)).toMatchObject({ scanned: 43, inserted: 0, updated: 0, unchanged: 43, rejected: [] });
      expect(snapshot(dir)).toEqual(before);
    },
    SLOW,
  );
});

describe("the project's fixtures: templates, defects, skipped files", () => {
  let dir: string;
  let run: SeedRun;
  const templates = "test/fixtures/seed/templates/"; // with a trailing slash, as a user might type it
  const defects = "test/fixtures/seed/defects"; // and without
  beforeAll(() => {
    dir = temp("fixtures");
    run = runSeed(["--persist-to", dir, "--json", templates, defects]);
  }, SLOW);

  it("exits 1 when a file is rejected, and still writes all the others", () => {
    const report = expectReportShape(run);
    expect(run.status).toBe(1);
    expect(report).toMatchObject({ scanned: 9, inserted: 8, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([
      {
        file: `${defects}/2023-03-09-202303092400000009.md`,
        reason: "front matter opened on line 1 never closes (no second '---' line)",
      },
    ]);
    expect(rows(dir, "SELECT count(*) AS n FROM posts")).toEqual([{ n: 8 }]);
  });

  it("names files as given on the command line joined with the path inside the folder, and lists non-posts as skipped", () => {
    const report = run.report as NonNullable<SeedRun["report"]>;
    expect(report.skipped).toEqual([
      { file: `${templates}README.txt`, reason: "not a post (only .md and .markdown files are posts)" },
    ]);
    const byFile: Record<string, { file: string; message: string }[]> = {};
    for (const w of report.warnings) (byFile[w.file] ??= []).push(w);
    expect(Object.keys(byFile).sort()).toEqual(
      [
        `${defects}/-202303072400000007.md`,
        `${defects}/2023-03-05-202303052400000005.md`,
        `${defects}/2023-03-06-202303062400000006.md`,
      ].sort(),
    );
    expect(byFile[`${defects}/2023-03-05-202303052400000005.md`]?.[0]?.message).toMatch(/not valid YAML/);
  });

  it("stores what the templates mean (nav as fields, sanitized HTML, raw categories)", () => {
    const got = rows(
      dir,
      "SELECT slug, info_code, title, source_url, share_url, back_link, categories_raw, path, body_html FROM posts ORDER BY slug",
    );
    const by = Object.fromEntries(got.map((r) => [r.slug, r]));
    expect(by.NW202303022400000002).toMatchObject({
      info_code: "NW202303022400000002",
      share_url: "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202303022400000002",
      back_link: "/category/ceshixinwenwang.html",
    });
    expect(by.NW202303022400000002?.body_html).not.toMatch(/script|返回首页/);
    expect(by.NW202303032400000003).toMatchObject({
      categories_raw: "ShiChangYaoWen  ceshi(xianggang)",
      path: "/shichangyaowen/ceshi(xianggang)/2023/03/03/NW202303032400000003.html",
      back_link: "/shichangyaowen/",
    });
    expect(by["202303012400000001"]).toMatchObject({
      source_url: "http://finance.eastmoney.com/a/202303012400000001.html",
      back_link: "/emnews/",
    });
    expect(by["202303052400000005"]?.title).toBe('他说"不"然后');
  });

  it("stores no feed entries for posts older than the feed window: feeds render and keep those when shown", () => {
    const got = rows<{ slug: string; feed_key: string | null }>(dir, "SELECT slug, feed_key FROM posts");
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) expect(r.feed_key, r.slug).toBeNull();
  });
});

describe("re-runs, changes, duplicates and dry runs", () => {
  let posts: string;
  let dir: string;
  beforeAll(() => {
    posts = temp("posts");
    cpSync(join(SEED, "templates"), posts, { recursive: true });
    // Dated within the feed window (hours ago), so the seed stores their feed entries.
    readdirSync(posts)
      .filter((f) => f.endsWith(".md"))
      .forEach((f, i) => {
        const when = new Date(Date.now() - (i + 1) * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
        const file = join(posts, f);
        writeFileSync(file, readFileSync(file, "utf8").replace(/^date: .*$/m, `date: ${when} +0000`));
      });
    dir = temp("state");
    const r = runSeed(["--persist-to", dir, "--json", posts]);
    expect(r.status, r.stderr).toBe(0);
  }, SLOW);

  it(
    "a dry run against the existing database reports updated/unchanged honestly and writes nothing",
    () => {
      const before = snapshot(dir);
      const file = join(posts, "2023-03-04-202303042400000004.md");
      writeFileSync(file, readFileSync(file, "utf8").replace("新规自下月起施行。", "新规自下月一日起施行。"));
      const dry = runSeed(["--persist-to", dir, "--dry-run", "--json", posts]);
      expect(dry.status).toBe(0);
      expect(expectReportShape(dry)).toMatchObject({ scanned: 4, inserted: 0, updated: 1, unchanged: 3 });
      expect(snapshot(dir)).toEqual(before);
    },
    SLOW,
  );

  it(
    "writes only the changed file (updated), leaving the others' rows untouched",
    () => {
      const before = snapshot(dir);
      const r = runSeed(["--persist-to", dir, "--json", posts]);
      expect(r.status).toBe(0);
      expect(expectReportShape(r)).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
      const after = snapshot(dir);
      const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
      expect(changed.map((c) => c.slug)).toEqual(["202303042400000004"]);
      expect(changed[0]?.created_at).toBe(before.find((b) => b.slug === "202303042400000004")?.created_at);
      // Its feed entries were rendered again, dated as updated at the write (the key ends with that date).
      const [edited] = rows(dir, "SELECT feed_key, updated_at FROM posts WHERE slug = '202303042400000004'");
      expect(edited?.feed_key).toMatch(new RegExp(`:${edited?.updated_at}$`));
    },
    SLOW,
  );

  it(
    "stores each post's feed entries, and only renders them again, content untouched, when the site's author changes",
    () => {
      const entries = () => rows(dir, "SELECT slug, feed_key, feed_atom, feed_rss, feed_json FROM posts ORDER BY slug");
      for (const e of entries()) {
        expect(e.feed_key, String(e.slug)).toMatch(/^[0-9a-f]{12}-\w+:\d+$/);
        expect(e.feed_atom).toMatch(/^<entry>[^\n]*\u0007[^\n]*<\/entry>$/);
        expect(e.feed_rss).toMatch(/^<item>[^\n]*<\/item>$/);
        // JSON: the summary as content_text between two slot marks, a valid item once they are dropped.
        expect(JSON.parse(String(e.feed_json).replaceAll("\u0007", ""))).toHaveProperty("content_text");
      }
      const conf = temp("author");
      const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
        .replace(/^SITE_AUTHOR = .*$/m, 'SITE_AUTHOR = "另一位作者"')
        .replace(/^migrations_dir = .*$/m, `migrations_dir = "${join(ROOT, "migrations")}"`);
      writeFileSync(join(conf, "wrangler.toml"), toml);
      const before = snapshot(dir);
      const keys = entries().map((e) => e.feed_key);
      const r = runSeed(["--config", join(conf, "wrangler.toml"), "--persist-to", dir, "--json", posts]);
      expect(expectReportShape(r)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
      expect(snapshot(dir)).toEqual(before);
      const after = entries();
      for (const [i, e] of after.entries()) expect(e.feed_key).not.toBe(keys[i]);
      for (const e of after) expect(e.feed_atom).toContain("另一位作者");
      // And back: the original config renders them again once more, nothing else.
      expect(expectReportShape(runSeed(["--persist-to", dir, "--json", posts]))).toMatchObject({ unchanged: 4 });
      expect(entries().map((e) => e.feed_key)).toEqual(keys);
    },
    SLOW,
  );

  it(
    "rejects two files claiming one slug, naming both, and leaves the stored post as it was",
    () => {
      const before = snapshot(dir);
      const twin = join(posts, "2023-03-10-202303012400000001.md");
      writeFileSync(twin, readFileSync(join(posts, "2023-03-01-202303012400000001.md"), "utf8").replace("示例：", "另一个："));
      const r = runSeed(["--persist-to", dir, "--json", posts]);
      rmSync(twin);
      expect(r.status).toBe(1);
      const report = expectReportShape(r);
      expect(report.rejected.map((x) => x.file)).toEqual([`${posts}/2023-03-01-202303012400000001.md`, twin]);
      for (const x of report.rejected) {
        expect(x.reason).toContain(`${posts}/2023-03-01-202303012400000001.md`);
        expect(x.reason).toContain(twin);
        expect(x.reason).toMatch(/stored post is left as it was/);
      }
      expect(report).toMatchObject({ unchanged: 3, inserted: 0, updated: 0 });
      expect(snapshot(dir)).toEqual(before);
    },
    SLOW,
  );

  it(
    "a dry run with no local database yet counts inserts and creates nothing",
    () => {
      const fresh = join(temp("dry"), "state");
      const r = runSeed(["--persist-to", fresh, "--dry-run", "--json", posts]);
      expect(r.status).toBe(0);
      expect(expectReportShape(r)).toMatchObject({ scanned: 4, inserted: 4, updated: 0, unchanged: 0 });
      expect(existsSync(fresh)).toBe(false);
    },
    SLOW,
  );

  it(
    "prints a table, every rejection and warning with its file, and progress lines on stderr without --json",
    () => {
      const r = runSeed(["--persist-to", dir, posts, join(SEED, "defects")]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      // Progress counts the files read (those the manifest vouches for are not).
      expect(r.stderr).toMatch(/^seed: \d+\/\d+ files \(/m);
      expect(r.stderr).toMatch(/Seed into local D1 in [\d.]+ s/);
      expect(r.stderr).toMatch(/^ {2}scanned +9$/m);
      expect(r.stderr).toMatch(/^ {2}inserted +4$/m);
      expect(r.stderr).toMatch(/^ {2}unchanged +4$/m);
      expect(r.stderr).toMatch(/^ {2}rejected +1$/m);
      expect(r.stderr).toContain(
        `Rejected (not written):\n  ${join(SEED, "defects")}/2023-03-09-202303092400000009.md: front matter opened`,
      );
      // Warnings by kind: the kind once, with its count, then its files.
      expect(r.stderr).toMatch(/^ +1 × front matter is not valid YAML \(…\); read known keys line by line$/m);
      expect(r.stderr).toMatch(new RegExp(`^ +${join(SEED, "defects")}/2023-03-05-202303052400000005\\.md$`, "m"));
      expect(r.stderr).toContain(`  ${posts}/README.txt: not a post`);
    },
    SLOW,
  );
});

describe("usage and configuration errors exit 2 and write nothing", () => {
  const cases: [string, string[], RegExp][] = [
    ["no PATH", ["--json"], /no PATH given/],
    ["an unknown option", ["--frobnicate", "x"], /unknown option --frobnicate/],
    ["--local with --remote", ["--local", "--remote", "x"], /exclude each other/],
    ["--persist-to with --remote", ["--remote", "--persist-to", "d", "x"], /--persist-to only applies to --local/],
    ["--persist-to without a value", ["--persist-to"], /--persist-to needs a value/],
    [
      "a missing PATH",
      ["--json", "test/fixtures/seed/no-such-folder"],
      /no such file or folder: test\/fixtures\/seed\/no-such-folder/,
    ],
    [
      "a missing --config",
      ["--config", "no-such-wrangler.toml", "--json", "test/fixtures/seed/templates"],
      /configuration no-such-wrangler.toml/,
    ],
    [
      "--remote with the placeholder database id",
      ["--remote", "--json", "test/fixtures/seed/templates"],
      /placeholder database_id 00000000-0000-0000-0000-000000000000.*npx wrangler d1 create finews.*Nothing was written/,
    ],
  ];
  it.each(cases)(
    "%s",
    (_name, args, message) => {
      const state = join(temp("usage"), "state");
      const withPersist = args.includes("--remote") ? args : ["--persist-to", state, ...args];
      const r = runSeed(withPersist);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(existsSync(state)).toBe(false);
    },
    SLOW,
  );

  it(
    "--remote without Cloudflare credentials stops with exit 2 and names the credentials it needs",
    () => {
      const conf = temp("remote");
      writeFileSync(
        join(conf, "wrangler.toml"),
        readFileSync(join(ROOT, "wrangler.toml"), "utf8").replace(
          /0{8}-0{4}-0{4}-0{4}-0{12}/,
          "6f1c2a4e-8d1b-4c5e-9a7f-1234567890ab",
        ),
      );
      cpSync(join(ROOT, "migrations"), join(conf, "migrations"), { recursive: true });
      const saved = { ...process.env };
      delete process.env.CLOUDFLARE_API_TOKEN;
      delete process.env.CLOUDFLARE_ACCOUNT_ID;
      process.env.CI = "true";
      process.env.WRANGLER_HOME = temp("wrangler-home"); // no `wrangler login` state either
      process.env.XDG_CONFIG_HOME = process.env.WRANGLER_HOME;
      let r: SeedRun;
      try {
        r = runSeed(["--remote", "--config", join(conf, "wrangler.toml"), "--json", "test/fixtures/seed/templates"]);
      } finally {
        process.env = saved;
      }
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      // wrangler's own reason, then ours naming every way to provide credentials
      expect(r.stderr).toMatch(/non-interactive environment.*CLOUDFLARE_API_TOKEN/);
      expect(r.stderr).toMatch(/needs Cloudflare credentials: CLOUDFLARE_API_TOKEN.*CLOUDFLARE_ACCOUNT_ID.*wrangler login/);
    },
    SLOW,
  );
});

describe("what the seed refuses to guess", () => {
  it(
    "stops with the right command when npm swallowed one of its options, writing nothing",
    () => {
      // A project of its own, so a write to its default local database would show.
      const project = temp("npm-trap");
      cpSync(join(ROOT, "wrangler.toml"), join(project, "wrangler.toml"));
      cpSync(join(ROOT, "migrations"), join(project, "migrations"), { recursive: true });
      const templates = join(SEED, "templates");
      const dir = temp("npm-trap-db");
      // What `npm run seed --dry-run --persist-to=DIR templates` leaves the seed with.
      const r = runSeed([templates], {
        cwd: project,
        env: { npm_lifecycle_event: "seed", npm_config_dry_run: "true", npm_config_persist_to: dir },
      });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("npm took --dry-run, --persist-to as its own options");
      expect(r.stderr).toContain(`npm run seed -- --dry-run --persist-to=${dir} ${templates}`);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(join(project, ".wrangler"))).toBe(false);
      // A value npm took as `true` left the real one among the paths: the message says so.
      const valued = runSeed([dir, templates], {
        cwd: project,
        env: { npm_lifecycle_event: "seed", npm_config_persist_to: "true" },
      });
      expect(valued.status).toBe(2);
      expect(valued.stderr).toContain("--persist-to <DIR>");
      expect(valued.stderr).toMatch(/value of that option among the paths/);
      expect(existsSync(join(project, ".wrangler"))).toBe(false);
      // Given after `--`, the same setting in npm's environment is no trap.
      const fine = runSeed(["--dry-run", "--json", templates], {
        cwd: project,
        env: { npm_lifecycle_event: "seed", npm_config_dry_run: "true" },
      });
      expect(fine.status, fine.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    "never makes a category or tag of broken YAML such as `categories: [emnews`",
    () => {
      const posts = temp("broken-names");
      const files: Record<string, string> = {
        "2024-05-01-NW202405010000000001.md": "categories: [emnews\ntags: 东财滚动新闻",
        "2024-05-01-NW202405010000000002.md": 'categories: emnews\ntags: "东财滚动新闻',
        "2024-05-01-NW202405010000000003.md": "categories:\n  - [emnews\ntags: {东财滚动新闻}",
      };
      for (const [name, fm] of Object.entries(files)) {
        writeFileSync(join(posts, name), `---\ntitle: 标题\ndate: 2024-05-01 10:00:00\n${fm}\n---\n\n正文。\n`);
      }
      const dir = temp("broken-names-db");
      const r = runSeed(["--persist-to", dir, "--json", posts]);
      expect(r.status, r.stderr).toBe(0);
      const report = expectReportShape(r);
      expect(report.inserted).toBe(3);
      const messages = report.warnings.map((w) => w.message).join("\n");
      expect(messages).toMatch(/categories: "\[emnews" is broken YAML \(an unclosed '\['\)/);
      expect(messages).toMatch(/tags: "\\"东财滚动新闻" is broken YAML \(an unclosed double quote\)/);
      expect(messages).toMatch(/tags: "\{东财滚动新闻\}" is broken YAML \(a YAML mapping, not names\)/);
      const names = rows<{ name: string }>(dir, "SELECT name FROM terms").map((t) => t.name);
      for (const n of names) expect(n).not.toMatch(/[[\]{}"]/);
      expect(names).toContain("emnews"); // the second file's category was fine
    },
    SLOW,
  );
});
