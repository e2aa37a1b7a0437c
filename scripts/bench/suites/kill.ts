/**
 * @module scripts/bench/suites/kill
 * Seed under faults: `npm run seed` of a generated corpus is SIGKILLed with
 * its whole process group (npm, with-node, the seed) at a random moment, then run
 * again to completion; the database must equal a clean run's: the same posts
 * (every column but id, created_at and updated_at), the same post_terms (by
 * slug, not id) and terms, nothing missing, nothing extra. Odd trials draw the
 * kill moment uniformly over the clean run's duration (start-up, migrations,
 * parsing or writing); even trials kill at a random moment after the first
 * rows have landed, so that the writing itself is certainly interrupted.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../lib/prng";
import { ensureCorpus } from "../lib/corpus";
import { type Ctx, runSeedMeasured, seedCommand } from "../lib/context";
import { countPosts, openD1File } from "../lib/d1file";
import { ROOT, rel, WORK } from "../lib/env";
import { killGroup, runMeasured } from "../lib/proc";

interface Dump {
  posts: Map<string, string>;
  postRows: number;
  links: Set<string>;
  linkRows: number;
  orphanLinks: number;
  terms: Set<string>;
}

function dump(dir: string): Dump {
  const db = openD1File(dir);
  try {
    const cols = (db.prepare("SELECT name FROM pragma_table_info('posts')").all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => !["id", "created_at", "updated_at"].includes(c));
    const posts = new Map<string, string>();
    const rows = db.prepare(`SELECT ${cols.join(", ")} FROM posts`).all() as Record<string, unknown>[];
    for (const r of rows) posts.set(String(r.slug), JSON.stringify(cols.map((c) => r[c])));
    const links = new Set(
      (
        db
          .prepare("SELECT pt.kind, pt.key, pt.published_at, p.slug FROM post_terms AS pt JOIN posts AS p ON p.id = pt.post_id")
          .all() as Record<string, unknown>[]
      ).map((r) => `${r.kind}\u0000${r.key}\u0000${r.published_at}\u0000${r.slug}`),
    );
    const linkRows = (db.prepare("SELECT count(*) AS n FROM post_terms").get() as { n: number }).n;
    const orphanLinks = (
      db
        .prepare("SELECT count(*) AS n FROM post_terms AS pt WHERE NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.id = pt.post_id)")
        .get() as { n: number }
    ).n;
    const terms = new Set(
      (db.prepare("SELECT kind, key, name, label FROM terms").all() as Record<string, unknown>[]).map(
        (r) => `${r.kind}\u0000${r.key}\u0000${r.name}\u0000${r.label}`,
      ),
    );
    return { posts, postRows: rows.length, links, linkRows, orphanLinks, terms };
  } finally {
    db.close();
  }
}

function compare(ref: Dump, got: Dump) {
  let missing = 0;
  let differing = 0;
  for (const [slug, row] of ref.posts) {
    const g = got.posts.get(slug);
    if (g === undefined) missing++;
    else if (g !== row) differing++;
  }
  const extra = [...got.posts.keys()].filter((s) => !ref.posts.has(s)).length;
  const setDiff = (a: Set<string>, b: Set<string>) =>
    [...a].filter((x) => !b.has(x)).length + [...b].filter((x) => !a.has(x)).length;
  return {
    missing,
    extra,
    differing,
    duplicated: got.postRows - got.posts.size,
    postTermsDiff: setDiff(ref.links, got.links) + (got.linkRows - got.links.size),
    orphanPostTerms: got.orphanLinks,
    termsDiff: setDiff(ref.terms, got.terms),
  };
}

export async function killSuite(ctx: Ctx) {
  const n = ctx.sizes.kill;
  const corpus = join(WORK, `corpus-kill-${n}`);
  ensureCorpus(corpus, n, "kill");
  const fresh = (name: string) => {
    const d = join(WORK, name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
    return d;
  };
  const cleanDir = fresh("db-kill-clean");
  const clean = await runSeedMeasured(cleanDir, [corpus], ROOT);
  const ref = dump(cleanDir);
  rmSync(cleanDir, { recursive: true, force: true });
  const cleanMs = clean.wallMs;
  ctx.log(`  clean run: ${ref.posts.size} posts in ${(cleanMs / 1000).toFixed(1)} s`);

  const trials = [];
  const rng = new Rng(`kill-bench-${n}`);
  for (let t = 1; t <= ctx.sizes.killTrials; t++) {
    const dir = fresh("db-kill-trial");
    let killAtMs = 0;
    let killed = false;
    // Odd trials: a moment drawn uniformly over the clean run's duration (start-up, migrations,
    // parsing or writing). Even trials: a moment after the first rows have landed, so that
    // half of the trials certainly interrupt the writing itself.
    const mode = t % 2 === 1 ? "uniform" : "writing";
    for (let attempt = 0; attempt < 3 && !killed; attempt++) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const m = await runMeasured("npm", ["run", "--silent", "seed", "--", "--persist-to", dir, "--json", corpus], {
        cwd: ROOT,
        onStart: (child) => {
          const kill = () => {
            killAtMs = Date.now() - started;
            killGroup(child.pid as number, "SIGKILL");
          };
          if (mode === "uniform") {
            // A retry, if the run beat the kill, aims earlier.
            timer = setTimeout(kill, Math.round(cleanMs * (0.02 + rng.next() * 0.93) * 0.7 ** attempt));
            return;
          }
          const poll = () => {
            if (countPosts(dir) > 0) {
              const left = Math.max(0, cleanMs - (Date.now() - started));
              timer = setTimeout(kill, Math.round(rng.next() * 0.6 * left * 0.7 ** attempt));
            } else timer = setTimeout(poll, 25);
          };
          poll();
        },
      });
      clearTimeout(timer);
      killed = m.signal === "SIGKILL" || m.status === 137;
      if (!killed) {
        ctx.log(`  trial ${t}: the run finished in ${(m.wallMs / 1000).toFixed(1)} s, before the kill; again, earlier`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
      }
    }
    const atKill = countPosts(dir);
    const rerun = await runSeedMeasured(dir, [corpus], ROOT);
    const diff = compare(ref, dump(dir));
    const ok = killed && Object.values(diff).every((v) => v === 0);
    trials.push({
      trial: t,
      mode,
      killAtMs,
      killed,
      postsAtKill: atKill,
      rerun: {
        inserted: rerun.report.inserted,
        unchanged: rerun.report.unchanged,
        updated: rerun.report.updated,
        rejected: rerun.report.rejected.length,
        seconds: rerun.wallMs / 1000,
      },
      diff,
      ok,
    });
    ctx.log(
      `  trial ${t}: killed at ${killAtMs} ms with ${atKill} posts stored; re-run inserted ${rerun.report.inserted}; ${ok ? "equal" : `DIFFERENT ${JSON.stringify(diff)}`}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    posts: n,
    cleanSeconds: cleanMs / 1000,
    trials,
    allEqual: trials.every((t) => t.ok),
    commands: [
      `npm run gen:corpus -- --count ${n} --seed kill --out ${rel(corpus)}`,
      `${seedCommand("<fresh dir>", [rel(corpus)])}   # clean run: the reference`,
      "the same, SIGKILL to its process group after a random delay; then the same command again to completion; compare (node:sqlite)",
    ],
  };
}
