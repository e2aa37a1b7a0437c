/**
 * @module ingest/report
 * What publishing a set of files did: counts, and every rejection, warning
 * and skip with its file. The seed prints it (`--json`: exactly this object)
 * and the ingest API answers with it, so tools read one shape.
 */

export interface Report {
  scanned: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: { file: string; reason: string }[];
  warnings: { file: string; message: string }[];
  skipped: { file: string; reason: string }[];
}

export function emptyReport(): Report {
  return { scanned: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [], warnings: [], skipped: [] };
}

/** Adds `more` into `into` (batches of one run). */
export function mergeReport(into: Report, more: Report, file: (name: string) => string = (n) => n): void {
  into.scanned += more.scanned;
  into.inserted += more.inserted;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
  for (const r of more.rejected) into.rejected.push({ file: file(r.file), reason: r.reason });
  for (const w of more.warnings) into.warnings.push({ file: file(w.file), message: w.message });
  for (const s of more.skipped) into.skipped.push({ file: file(s.file), reason: s.reason });
}
