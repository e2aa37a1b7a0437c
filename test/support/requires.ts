/**
 * @module test/support/requires
 * What a test needs from the machine (a real client, the real corpus), in one
 * place. A missing need is printed with what it skips and how to get it.
 * Under `CI=true` a missing client (Chromium, a feed reader, Jekyll, xmllint)
 * is a failing test instead, so CI never passes by skipping; the real corpus
 * (../shared) is optional everywhere, since a clone may stand alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { it } from "vitest";

export const IN_CI = process.env.CI === "true";

/** True when `cmd args` runs and exits 0. */
export function runs(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { encoding: "utf8", stdio: "ignore" }).status === 0;
}

export function hasFiles(dir: string): boolean {
  try {
    return existsSync(dir) && readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * Declares that `what` (a suite or test) needs the client `need`. Returns `available`, for
 * `describe.skipIf(!…)`. Missing: prints "SKIPPED …" locally; under CI adds a failing test
 * naming the install step.
 */
export function requires(what: string, need: string, available: boolean, install: string): boolean {
  if (available) return true;
  const message = `${what}: needs ${need}, which is missing (${install})`;
  if (IN_CI) {
    it(`has ${need} (required under CI=true)`, () => {
      throw new Error(message);
    });
  } else {
    console.warn(`SKIPPED ${message}`);
  }
  return false;
}

export const SHARED_HINT = "put the shared corpus beside the project as ../shared";

/** Like `requires`, for data a clone may lack (the real corpus): always a printed skip, never a failure. */
export function optional(what: string, need: string, available: boolean): boolean {
  if (!available) console.warn(`SKIPPED ${what}: ${need} is missing (${SHARED_HINT})`);
  return available;
}
