/**
 * A big seed parses on worker threads (scripts/lib/parse-files); the result
 * must not depend on it: the same report (every warning and rejection, in file
 * order) and the same stored rows as parsing on the main thread.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectConfig, localDatabaseFile } from "../../scripts/lib/database";
import { generateCorpus } from "../../scripts/lib/corpus-gen";
import { runSeed } from "../support/dev-server";
import { ROOT } from "../support/fixtures";

const dir = mkdtempSync(join(tmpdir(), "finews-threads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rows(persist: string) {
  const file = localDatabaseFile(await loadProjectConfig(join(ROOT, "wrangler.toml")), persist);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return {
      posts: db.prepare("SELECT slug, hash, path, title, body_html, published FROM posts ORDER BY slug").all(),
      terms: db
        .prepare("SELECT p.slug, t.kind, t.key FROM post_terms AS t JOIN posts AS p ON p.id = t.post_id ORDER BY 1, 2, 3")
        .all(),
    };
  } finally {
    db.close();
  }
}

describe("seeding on parse threads", () => {
  it("reports and stores exactly what parsing on the main thread does", async () => {
    const corpus = join(dir, "corpus");
    for (const post of generateCorpus({ count: 600, seed: "threads" })) {
      const file = join(corpus, post.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, post.text);
    }
    // A broken file and two files claiming one slug, so rejections travel through both paths too.
    writeFileSync(join(corpus, "2024-01-01-bad.md"), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe]));
    writeFileSync(join(corpus, "2024-01-02-twice.md"), "---\ntitle: a\n---\nbody\n");
    mkdirSync(join(corpus, "again"), { recursive: true });
    writeFileSync(join(corpus, "again", "2024-01-02-twice.md"), "---\ntitle: b\n---\nbody\n");

    const inline = runSeed(["--persist-to", join(dir, "inline"), "--json", corpus], { env: { SEED_THREADS: "1" } });
    const threads = runSeed(["--persist-to", join(dir, "threads"), "--json", corpus], { env: { SEED_THREADS: "3" } });
    expect(inline.status, inline.stderr).toBe(1);
    expect(threads.status, threads.stderr).toBe(1);
    expect(inline.report?.rejected).toHaveLength(3);
    expect(inline.report?.warnings.length).toBeGreaterThan(0);
    expect(threads.report).toEqual(inline.report);
    expect(await rows(join(dir, "threads"))).toEqual(await rows(join(dir, "inline")));
  }, 120_000);
});
