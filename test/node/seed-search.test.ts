/**
 * @module test/node/seed-search
 * The seed and the search index: posts dated the same second share its 256
 * search keys, and the one past them is refused by name with the reason
 * while every other post is written and found; `--reindex` rebuilds the
 * index and says so.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_SLOTS } from "../../src/db/search-writes";
import { runSeed } from "../support/dev-server";
import { openLocalD1File, tempFolders } from "../support/temp";

const temp = tempFolders();

describe("the seed and the search index", () => {
  it("gives a second's posts its keys, refuses the one past them by name, and rebuilds on --reindex", () => {
    const posts = temp("same-second");
    for (let i = 0; i <= KEY_SLOTS; i++) {
      const slug = `SS${String(i).padStart(4, "0")}`;
      writeFileSync(
        join(posts, `2026-11-28-${slug}.md`),
        `---\ntitle: 同一秒 ${i}\ndate: 2026-11-28 09:00:00 +0800\ncategories: samesecond\n---\n\n同一秒发布的消息。\n`,
      );
    }
    const state = temp("same-second-state");
    const run = runSeed(["--persist-to", state, "--json", posts]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.report?.inserted).toBe(KEY_SLOTS);
    expect(run.report?.rejected).toHaveLength(1);
    expect(run.report?.rejected[0]?.reason).toMatch(/more than 256 posts in this database are dated the same second/);

    const count = () => {
      const db = openLocalD1File(state);
      try {
        return (
          db.prepare("SELECT count(*) AS n FROM post_search WHERE post_search MATCH ?").get('body : ("同一")') as { n: number }
        ).n;
      } finally {
        db.close();
      }
    };
    expect(count()).toBe(KEY_SLOTS);

    const again = runSeed(["--persist-to", state, "--reindex"]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/rebuilding the search index from its posts \(--reindex\)/);
    expect(again.stderr).toMatch(new RegExp(`rebuilt the search index: ${KEY_SLOTS} posts in`));
    expect(count()).toBe(KEY_SLOTS);
  }, 120_000);
});
