/**
 * @module test/support/chromium
 * Debian's Chromium, headless, as this offline machine needs it: no sandbox
 * (root), no background networking (its connections would be refused).
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Tests skip, saying why, where Chromium is missing; CI installs it (.ci/run). */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `offline`: every host but loopback fails at once instead of timing out. */
export function launchChromium(opts: { offline?: boolean } = {}): Promise<Browser> {
  const args = opts.offline ? [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, args });
}
