/**
 * @module scripts/bench/results
 * The measured results: docs/benchmarks.json, one entry per suite with its
 * own date, commit, machine and load. A run replaces only the suites it ran;
 * the documents are rendered from this file (scripts/bench/report.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Machine } from "./lib/env";
import type { archiveSuite } from "./suites/archive";
import type { searchSuite } from "./suites/search";
import type { bundleSuite } from "./suites/bundle";
import type { capacitySuite } from "./suites/capacity";
import type { firehoseSuite } from "./suites/firehose";
import type { ingestSuite } from "./suites/ingest";
import type { killSuite } from "./suites/kill";
import type { loadSuite } from "./suites/load";
import type { publishSuite } from "./suites/publish";
import type { scaleSuite } from "./suites/scale";
import type { seedSuite } from "./suites/seed";
import type { servingSuite } from "./suites/serving";

export interface SuiteResult {
  suite: string;
  at: string;
  quick: boolean;
  seconds: number;
  loadBefore: number;
  load: { min: number; max: number; mean: number };
  machine: Machine;
  data: unknown;
}

export type Results = Record<string, SuiteResult>;

type Data<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
/** Each suite's data, typed by the suite that produced it. */
export interface Typed {
  bundle?: Data<typeof bundleSuite>;
  seed?: Data<typeof seedSuite>;
  publish?: Data<typeof publishSuite>;
  capacity?: Data<typeof capacitySuite>;
  serving?: Data<typeof servingSuite>;
  firehose?: Data<typeof firehoseSuite>;
  ingest?: Data<typeof ingestSuite>;
  load?: Data<typeof loadSuite>;
  kill?: Data<typeof killSuite>;
  scale?: Data<typeof scaleSuite>;
  archive?: Data<typeof archiveSuite>;
  search?: Data<typeof searchSuite>;
}

export const typed = (results: Results) => Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.data])) as Typed;

export function readResults(file: string): Results {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, "utf8")) as Results;
}

export function writeResults(file: string, results: Results): void {
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
}
