/**
 * @module test/support/fixtures
 * Parses the project's fixture posts (and the real corpus from ../shared when
 * present) with the real parser, in Node, for the worker tests.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parsePost } from "../../src/content/post";
import type { PostRecord } from "../../src/content/types";

export const ROOT = resolve(import.meta.dirname, "../..");
export const FIXTURES = join(ROOT, "test/fixtures/posts");
export const EXAMPLES = join(ROOT, "examples/posts");
export const REAL_CORPUS = resolve(ROOT, "../shared/corpus/real");
export const PARSE_CONTEXT = { timeZone: "Asia/Shanghai", siteHost: "finews.withounder.com" };

export interface FixturePost extends PostRecord {
  /** where it came from: fixtures | examples | real */
  origin: string;
  file: string;
}

export async function parseDir(dir: string, origin: string): Promise<FixturePost[]> {
  if (!existsSync(dir)) return [];
  const out: FixturePost[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(md|markdown)$/.test(name)) continue;
    const r = await parsePost(readFileSync(join(dir, name)), name, PARSE_CONTEXT);
    if (r.ok) out.push({ ...r.post, origin, file: name });
  }
  return out;
}

export async function loadFixturePosts(): Promise<FixturePost[]> {
  return [
    ...(await parseDir(FIXTURES, "fixtures")),
    ...(await parseDir(EXAMPLES, "examples")),
    ...(await parseDir(REAL_CORPUS, "real")),
  ];
}
