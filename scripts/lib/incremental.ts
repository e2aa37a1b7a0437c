/**
 * @module scripts/lib/incremental
 * The seed's re-runs at the cost of what changed: files the manifest
 * (scripts/lib/manifest) vouches for are counted unchanged without being
 * read, and what a run wrote is recorded for the next one.
 */
import { resolve } from "node:path";
import type { ManifestEntry, Manifest } from "./manifest";

export interface SeedFile {
  file: string;
  basename: string;
  size: number;
  mtimeMs: number;
  slug: string;
}

/** Slugs per stored-hash lookup. */
const LOOKUP = 1000;

/**
 * The files (by display path) that are unchanged for sure: same size and time as when their post
 * was last written or compared, and the target still holds that post's hash.
 */
export async function vouchedUnchanged(
  manifest: Manifest,
  files: SeedFile[],
  storedHashes: (slugs: string[]) => Promise<Record<string, string>>,
): Promise<Set<string>> {
  const entries = manifest.lookup(files.map((f) => resolve(f.file)));
  const candidates: { f: SeedFile; e: ManifestEntry }[] = [];
  for (const f of files) {
    const e = entries.get(resolve(f.file));
    if (e && e.size === f.size && e.mtimeMs === f.mtimeMs && e.slug === f.slug) candidates.push({ f, e });
  }
  const out = new Set<string>();
  for (let i = 0; i < candidates.length; i += LOOKUP) {
    const group = candidates.slice(i, i + LOOKUP);
    const stored = await storedHashes(group.map((c) => c.f.slug));
    for (const { f, e } of group) if (stored[f.slug] === e.hash) out.add(f.file);
  }
  return out;
}

/** What a run did to each file, for the manifest: written or found unchanged (with the stored hash), or refused. */
export function recordRun(manifest: Manifest, done: { file: SeedFile; hash: string }[], refused: SeedFile[]): void {
  manifest.record(
    done.map(({ file, hash }) => ({ path: resolve(file.file), size: file.size, mtimeMs: file.mtimeMs, slug: file.slug, hash })),
  );
  manifest.forget(refused.map((f) => resolve(f.file)));
}
