/**
 * @module scripts/bench/suites/bundle
 * The Worker bundle as it would be uploaded: `wrangler deploy --dry-run
 * --outdir`, raw and gzip sizes. The serving suites import this same bundle
 * for their in-process measurements.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Ctx } from "../lib/context";
import { bin, ROOT, rel, WORK } from "../lib/env";

export async function bundleSuite(ctx: Ctx) {
  const out = join(WORK, "dist");
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${r.stderr}${r.stdout}`);
  const files = readdirSync(out)
    .filter((f) => f.endsWith(".js") || f.endsWith(".mjs") || f.endsWith(".wasm"))
    .map((f) => {
      const bytes = readFileSync(join(out, f));
      // Cloudflare reports the gzip size of the upload; level 9 is what `gzip -9` gives.
      return { file: f, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    });
  const total = files.reduce((a, f) => ({ bytes: a.bytes + f.bytes, gzipBytes: a.gzipBytes + f.gzipBytes }), {
    bytes: 0,
    gzipBytes: 0,
  });
  ctx.bundleFile = join(out, "index.js");
  ctx.log(`  bundle: ${(total.bytes / 1024).toFixed(0)} KiB, gzip ${(total.gzipBytes / 1024).toFixed(1)} KiB`);
  return { files, ...total, commands: [`npx wrangler deploy --dry-run --outdir ${rel(out)}   # then gzip -9 each .js file`] };
}
