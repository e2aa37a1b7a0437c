/**
 * @module scripts/bench/lib/corpus
 * Corpora for the benchmarks: `npm run gen:corpus` (the project's deterministic
 * generator) written to disk, cached by (count, seed) so a re-run of the bench
 * does not rewrite 100,000 files; and a small-body variant for the 1,000,000-post
 * scale test, where full bodies (~4 KB each) would not fit the disk budget.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CorpusOptions, generateCorpus, type GeneratedPost } from "../../lib/corpus-gen";
import { ROOT } from "./env";

/** `npm run gen:corpus -- --count N --seed S --out DIR`, skipped when DIR already holds exactly that corpus. */
export function ensureCorpus(dir: string, count: number, seed: string): void {
  const stamp = join(dir, ".bench-corpus");
  const want = `${count} ${seed}`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) return;
  rmSync(dir, { recursive: true, force: true });
  const r = spawnSync("npm", ["run", "--silent", "gen:corpus", "--", "--count", String(count), "--seed", seed, "--out", dir], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`gen:corpus failed: ${r.stderr}`);
  writeFileSync(stamp, want);
}

const FRONT_END = "\n---\n\n";
const MAX_BODY = 240;

/**
 * The generator's posts with the body cut to its first paragraph (at most ~240
 * characters, cut at a paragraph or sentence end). Front matter, share/source
 * links and back-links are kept, so URLs, categories, tags and share codes are
 * exactly those of the full corpus.
 */
export function* smallBodyCorpus(
  count: number,
  seed: string,
  dates: Pick<CorpusOptions, "endsAt" | "spanMs"> = {},
): Generator<GeneratedPost> {
  for (const post of generateCorpus({ count, seed, ...dates })) {
    const start = post.text.indexOf(FRONT_END);
    if (start < 0) {
      yield post;
      continue;
    }
    const head = post.text.slice(0, start + FRONT_END.length);
    const rest = post.text.slice(start + FRONT_END.length);
    // The last block is the scraper's navigation (share/source link and back-links).
    const navAt = rest.search(/\n\n(?:<[^>\n]*>|\[返回)[^\n]*(?:\n[^\n]*)*$/);
    const body = navAt >= 0 ? rest.slice(0, navAt) : rest;
    const nav = navAt >= 0 ? rest.slice(navAt) : "";
    let cut = body.split("\n\n")[0] ?? "";
    if (cut.length > MAX_BODY) {
      const end = Math.max(cut.lastIndexOf("</p>", MAX_BODY), cut.lastIndexOf("。", MAX_BODY));
      cut = end > 0 ? cut.slice(0, end + (cut.startsWith("</p>", end) ? 4 : 1)) : cut.slice(0, MAX_BODY);
    }
    yield { ...post, text: `${head}${cut}${nav}` };
  }
}
