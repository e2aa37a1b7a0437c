/**
 * @module test/worker/setup
 * Applies the real migrations to every test D1 before each test file, and holds
 * back what the Worker logs during each test: fault tests make it log errors
 * on purpose, and those lines are printed (labelled with the test) only when
 * that test fails. Tests that check logs spy on console as before.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach } from "vitest";
import { archiveDatabases } from "./helpers";

// Every database the setup binds (one by default, four under the `archive` environment).
for (const db of archiveDatabases()) await applyD1Migrations(db, env.TEST_MIGRATIONS);

const LEVELS = ["log", "info", "warn", "error"] as const;
const original = Object.fromEntries(LEVELS.map((l) => [l, console[l]])) as Record<(typeof LEVELS)[number], typeof console.log>;

beforeEach((ctx) => {
  const held: string[] = [];
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) =>
      void held.push(`${level}: ${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`);
  }
  ctx.onTestFailed(() => {
    if (!held.length) return;
    original.error(`Worker log of the failed test "${ctx.task.name}":\n  ${held.join("\n  ")}`);
  });
});

afterEach(() => {
  for (const level of LEVELS) console[level] = original[level];
});
