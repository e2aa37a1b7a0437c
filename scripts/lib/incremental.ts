/**
 * @module scripts/lib/incremental
 * The seed's re-runs at the cost of what changed: files the manifest
 * (scripts/lib/manifest) vouches for are counted unchanged without being
 * read, and what a run wrote is recorded for the next one.
 */
import type { ManifestEntry, Manifest } from "./manifest";

export interface SeedFile {
  file: string;
  basename: string;
  /** Absolute path (what the manifest is keyed by). */
  abs: string;
  size: number;
  mtimeMs: number;
  slug: string;
}

/** Slugs per stored-hash lookup (one query, or one /api/hashes request). */
const LOOKUP = 5000;

/**
 * The files (by display path) that are unchanged for sure: same size and time as when their post
 * was last written or compared, and the target still holds that post's hash.
 */
export async function vouchedUnchanged(
  manifest: Manifest,
  files: SeedFile[],
  storedHashes: (slugs: string[]) => Promise<Map<string, string>>,
  /** The target's state now: when it is the one the manifest recorded, nobody wrote since and no hash is asked for. */
  state: string | null,
): Promise<Set<string>> {
  const paths = files.map((f) => f.abs);
  const entries = manifest.lookup(paths);
  const candidates: { f: SeedFile; e: ManifestEntry }[] = [];
  for (const [i, f] of files.entries()) {
    const e = entries.get(paths[i] as string);
    if (e && e.size === f.size && e.mtimeMs === f.mtimeMs && e.slug === f.slug) candidates.push({ f, e });
  }
  const out = new Set<string>();
  if (state !== null && state === manifest.targetState()) {
    for (const { f } of candidates) out.add(f.file);
    return out;
  }
  for (let i = 0; i < candidates.length; i += LOOKUP) {
    const group = candidates.slice(i, i + LOOKUP);
    const stored = await storedHashes(group.map((c) => c.f.slug));
    for (const { f, e } of group) if (stored.get(f.slug) === e.hash) out.add(f.file);
  }
  return out;
}

/** What a run did to each file, for the manifest: written or found unchanged (with the stored hash), or refused. */
export function recordRun(manifest: Manifest, done: { file: SeedFile; hash: string }[], refused: SeedFile[]): void {
  manifest.record(
    done.map(({ file, hash }) => ({ path: file.abs, size: file.size, mtimeMs: file.mtimeMs, slug: file.slug, hash })),
  );
  manifest.forget(refused.map((f) => f.abs));
}
