/**
 * @module scripts/lib/walk
 * Expands the PATH arguments into post files (sorted, recursive) and lists
 * every other file as skipped. Display paths are the argument joined with
 * the path inside the folder, as the seed report promises.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Found {
  posts: { file: string; basename: string }[];
  skipped: { file: string; reason: string }[];
  missing: string[];
}

const POST_RE = /\.(md|markdown)$/i;

export function walk(paths: string[]): Found {
  const found: Found = { posts: [], skipped: [], missing: [] };
  const visit = (file: string, name: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file);
    } catch {
      found.missing.push(file);
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(file).sort()) {
        if (entry === ".git" || entry === "node_modules") continue;
        visit(join(file, entry), entry);
      }
    } else if (!st.isFile()) {
      found.skipped.push({ file, reason: "not a regular file" });
    } else if (POST_RE.test(name)) {
      found.posts.push({ file, basename: name });
    } else {
      found.skipped.push({ file, reason: "not a post (only .md and .markdown files are posts)" });
    }
  };
  for (const p of paths) visit(p, p.split(/[\\/]/).filter(Boolean).pop() ?? p);
  return found;
}
