/**
 * @module scripts/lib/parse-worker
 * A parse thread of scripts/lib/parse-files: receives lists of files, answers
 * with their outcomes in the same order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type FileOutcome, type ParseSettings, type PostFile, parseFile } from "./parse-files";

const settings = workerData as ParseSettings;

parentPort?.on("message", async (files: PostFile[]) => {
  const out: FileOutcome[] = [];
  for (const f of files) out.push(await parseFile(f, settings));
  parentPort?.postMessage(out);
});
