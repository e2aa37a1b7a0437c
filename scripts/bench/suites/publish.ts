/**
 * @module scripts/bench/suites/publish
 * Publishing one post: wall time of the real `npm run seed` command for one
 * new file, into the main database and into a small one (it must not grow
 * with the corpus), next to a full Jekyll build of the same generated posts
 * (Debian's jekyll + jekyll-feed, the old site's _config.yml), all in one run.
 * The fixed costs of the seed command are split out: npm and the with-node
 * launcher, loading the seed's code, and starting Node itself.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateCorpus } from "../../lib/corpus-gen";
import { ensureCorpus } from "../lib/corpus";
import { CORPUS_SEED, type Ctx, ensureMainDb, runSeedMeasured, seedCommand } from "../lib/context";
import { countPosts } from "../lib/d1file";
import { ROOT, rel, WORK } from "../lib/env";
import { runMeasured } from "../lib/proc";
import { spread } from "../lib/stats";

const JEKYLL_CONFIG = `url: "https://finews.withounder.com"
title: 金融消息
lang: zh-CN
author: ZNing
timezone: Asia/Shanghai
plugins:
  - jekyll-feed
`;

/** One new post file (never seen by either database) per run. */
export function newPost(dir: string, tag: string): string {
  rmSync(dir, { recursive: true, force: true });
  const [post] = [...generateCorpus({ count: 1, seed: `publish-${tag}` })];
  const m = post && /(\d{8})(\d{10})\.md$/.exec(post.path);
  if (!post || !m) throw new Error("generator gave nothing usable");
  // The generator numbers posts from 0, so its first post could share a slug with a stored one:
  // give it a code (same date, a number the corpora never reach) unique to this run.
  const code = `${m[1]}${String(9_000_000_000 + (Date.now() % 1_000_000_000)).padStart(10, "0")}`;
  const old = `${m[1]}${m[2]}`;
  const file = join(dir, post.path.replace(old, code));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, post.text.replaceAll(old, code));
  return file;
}

async function smallDb(ctx: Ctx): Promise<string> {
  const n = ctx.sizes.publishSmall;
  const corpus = join(WORK, `corpus-${n}`);
  const db = join(WORK, `db-${n}`);
  ensureCorpus(corpus, n, CORPUS_SEED);
  if (countPosts(db) < n) {
    rmSync(db, { recursive: true, force: true });
    mkdirSync(db, { recursive: true });
    await runSeedMeasured(db, [corpus], ROOT);
  }
  return db;
}

function jekyllSite(ctx: Ctx): string {
  const n = ctx.sizes.jekyll;
  const corpus = join(WORK, `corpus-${n}`);
  ensureCorpus(corpus, n, CORPUS_SEED);
  const site = join(WORK, `jekyll-${n}`);
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, "_config.yml"), JEKYLL_CONFIG);
  cpSync(corpus, join(site, "_posts"), { recursive: true, filter: (src) => !src.endsWith(".bench-corpus") });
  return site;
}

export async function publishSuite(ctx: Ctx) {
  const big = await ensureMainDb(ctx, ROOT);
  const small = await smallDb(ctx);
  const dbs = [
    { name: "small", posts: ctx.sizes.publishSmall, dir: small },
    { name: "main", posts: ctx.sizes.main, dir: big },
  ];
  const times: Record<string, number[]> = { small: [], main: [] };
  const peaks: Record<string, number[]> = { small: [], main: [] };
  // Interleaved, so a burst of load on the machine hits both sizes alike.
  for (let i = 0; i < ctx.sizes.publishRuns; i++) {
    for (const d of dbs) {
      const file = newPost(join(WORK, "publish-new"), `${d.name}-${Date.now()}-${i}`);
      const m = await runSeedMeasured(d.dir, [file], ROOT);
      if (m.report.inserted !== 1) throw new Error(`publish into ${d.name}: ${JSON.stringify(m.report)}`);
      times[d.name]?.push(m.wallMs / 1000);
      peaks[d.name]?.push(m.peakTreeMiB);
      ctx.log(`  publish ${i + 1} into ${d.posts} posts: ${(m.wallMs / 1000).toFixed(2)} s`);
    }
  }
  rmSync(join(WORK, "publish-new"), { recursive: true, force: true });

  // Fixed costs inside the publish time, each measured on its own.
  const fixed = async (args: string[]) => {
    const v: number[] = [];
    for (let i = 0; i < Math.max(1, Math.min(3, ctx.sizes.publishRuns)); i++)
      v.push((await runMeasured(args[0] as string, args.slice(1), { cwd: ROOT })).wallMs / 1000);
    return spread(v);
  };
  const npmHelp = await fixed(["npm", "run", "--silent", "seed", "--", "--help"]);
  const nodeHelp = await fixed([process.execPath, "--import", "./scripts/ts-hooks.mjs", "scripts/seed.ts", "--help"]);
  const nodeBare = await fixed([process.execPath, "-e", "0"]);

  // Jekyll: the whole site, as the old blog rebuilt it for every new post.
  let jekyll: { posts: number; seconds: ReturnType<typeof spread>; version: string } | { skipped: string };
  const version = spawnSync("jekyll", ["--version"], { encoding: "utf8" });
  if (version.status !== 0) {
    jekyll = { skipped: "jekyll is not installed (apt-get install jekyll ruby-jekyll-feed)" };
  } else {
    const site = jekyllSite(ctx);
    const secs: number[] = [];
    for (let i = 0; i < ctx.sizes.jekyllRuns; i++) {
      rmSync(join(site, "_site"), { recursive: true, force: true });
      rmSync(join(site, ".jekyll-cache"), { recursive: true, force: true });
      const m = await runMeasured("jekyll", ["build", "--quiet"], { cwd: site });
      if (m.status !== 0) throw new Error(`jekyll build failed: ${m.stderr.slice(-2000)}`);
      if (!existsSync(join(site, "_site", "feed.xml"))) throw new Error("jekyll built no feed.xml");
      secs.push(m.wallMs / 1000);
      ctx.log(`  jekyll build ${ctx.sizes.jekyll} posts: ${(m.wallMs / 1000).toFixed(1)} s`);
    }
    rmSync(site, { recursive: true, force: true });
    jekyll = { posts: ctx.sizes.jekyll, seconds: spread(secs), version: version.stdout.trim() };
  }
  return {
    small: { posts: ctx.sizes.publishSmall, seconds: spread(times.small ?? []), peakTreeMiB: spread(peaks.small ?? []) },
    main: { posts: ctx.sizes.main, seconds: spread(times.main ?? []), peakTreeMiB: spread(peaks.main ?? []) },
    fixed: { npmHelp, nodeHelp, nodeBare },
    jekyll,
    commands: [
      `${seedCommand(rel(big), ["NEW.md"])}   # one new generated post, ${ctx.sizes.publishRuns}× per database`,
      `${seedCommand(rel(small), ["NEW.md"])}`,
      "npm run seed -- --help   # npm + with-node + Node + the seed's static imports, nothing else",
      "node --import ./scripts/ts-hooks.mjs scripts/seed.ts --help   # the same without npm and with-node",
      "node -e 0   # Node alone",
      `cd ${rel(join(WORK, `jekyll-${ctx.sizes.jekyll}`))} && jekyll build --quiet   # _config.yml: url, timezone Asia/Shanghai, plugins [jekyll-feed]; _posts = npm run gen:corpus -- --count ${ctx.sizes.jekyll} --seed ${CORPUS_SEED}`,
    ],
  };
}
