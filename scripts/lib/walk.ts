/**
 * @module scripts/lib/walk
 * Expands the PATH arguments into post files (sorted, recursive) and lists
 * every other file as skipped. Display paths are the argument exactly as
 * given joined with the path inside the folder, as the seed report promises.
 */
import { readdirSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";

export interface Found {
  /** Post files with what the seed's manifest compares: absolute path, size and modification time (ms). */
  posts: { file: string; basename: string; abs: string; size: number; mtimeMs: number }[];
  skipped: { file: string; reason: string }[];
  missing: string[];
}

const POST_RE = /\.(md|markdown)$/i;

/** `dir` + `/` + `name`, keeping the argument's own spelling (no normalisation of `./` or `../`). */
function joinDisplay(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? `${dir}${name}` : `${dir}/${name}`;
}

export function walk(paths: string[]): Found {
  const found: Found = { posts: [], skipped: [], missing: [] };
  // Identities of folders being walked: a symlink back up the tree must not recurse forever.
  const open = new Set<string>();
  const seen = new Set<string>();
  // `abs` is resolved once per argument and joined below, not resolved per file.
  const visit = (file: string, name: string, abs: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file);
    } catch {
      found.missing.push(file);
      return;
    }
    // Device and inode name the file itself, whatever path or symlink led here (realpath costs an lstat per path part).
    const real = `${st.dev}:${st.ino}`;
    if (st.isDirectory()) {
      if (open.has(real)) {
        found.skipped.push({ file, reason: "symbolic link to a folder that is already being read (a loop)" });
        return;
      }
      open.add(real);
      let entries: string[];
      try {
        entries = readdirSync(file).sort();
      } catch (err) {
        found.skipped.push({ file, reason: `cannot read folder: ${(err as Error).message}` });
        open.delete(real);
        return;
      }
      for (const entry of entries) {
        if (entry === ".git" || entry === "node_modules") continue;
        visit(joinDisplay(file, entry), entry, `${abs}${sep}${entry}`);
      }
      open.delete(real);
    } else if (!st.isFile()) {
      found.skipped.push({ file, reason: "not a regular file" });
    } else if (POST_RE.test(name)) {
      // The same file named twice (two overlapping PATHs) is read once.
      if (seen.has(real)) {
        found.skipped.push({ file, reason: "same file as one listed before (overlapping PATH arguments)" });
        return;
      }
      seen.add(real);
      found.posts.push({ file, basename: name, abs, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
    } else {
      found.skipped.push({ file, reason: "not a post (only .md and .markdown files are posts)" });
    }
  };
  for (const p of paths) visit(p, p.split(/[\\/]/).filter(Boolean).pop() ?? p, resolve(p));
  return found;
}
