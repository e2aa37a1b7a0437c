/**
 * @module test/support/temp
 * Temporary folders a test file makes (removed after the file's tests), and
 * the SQLite file of a local D1 a seed wrote under a persist folder.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll } from "vitest";

/** A `temp(prefix)` for one test file; its folders go when the file's tests end. */
export function tempFolders(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), `finews-${prefix}-`));
    made.push(d);
    return d;
  };
}

/** The local D1 database a seed wrote under `persistDir`, opened read-only. */
export function openLocalD1File(persistDir: string): DatabaseSync {
  const dir = join(persistDir, "v3/d1/miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 file under ${dir}, found ${files.length}`);
  return new DatabaseSync(join(dir, files[0] as string), { readOnly: true });
}
