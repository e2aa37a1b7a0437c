/**
 * @module scripts/lib/parse-worker
 * A parse thread of scripts/lib/parse-files: receives numbered lists of files,
 * answers each with the number and the files' outcomes (posts with their feed
 * entries) in the same order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type FileOutcome, type ParseSettings, type PostFile, parseFile, withFeedEntries } from "./parse-files";

const settings = workerData as ParseSettings;

parentPort?.on("message", async ({ id, files }: { id: number; files: PostFile[] }) => {
  const outcomes: FileOutcome[] = [];
  for (const f of files) outcomes.push(await parseFile(f, settings));
  parentPort?.postMessage({ id, outcomes: withFeedEntries(outcomes, settings.site) });
});
