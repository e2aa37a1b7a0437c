/**
 * The structure docs/architecture.md promises, checked on the source: data
 * flows one way, per-request state lives in the request's own context, and
 * every URL is answered from the one table.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/fixtures";

const SRC = join(ROOT, "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = sources(SRC).map((f) => ({ path: relative(SRC, f), text: readFileSync(f, "utf8") }));

/** Imports of a file that load code at run time (type-only imports excluded), as written. */
function valueImports(text: string): string[] {
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)";/gms)].map((m) => m[1] as string);
}

describe("architecture", () => {
  it("keeps no per-request state outside the request (no WeakMap keyed by requests, no module-level request memo)", () => {
    for (const f of files) expect(f.text, f.path).not.toMatch(/\bWeakMap\b/);
  });

  it("keeps src/content pure: it imports nothing else of the project", () => {
    for (const f of files.filter((x) => x.path.startsWith("content/"))) {
      for (const spec of valueImports(f.text)) expect(spec, f.path).toMatch(/^\.\/|^[a-z@]/);
    }
  });

  it("lets views and feeds render only: they never load the repository or the HTTP layer", () => {
    for (const f of files.filter((x) => /^(views|feeds)\//.test(x.path))) {
      for (const spec of valueImports(f.text)) expect(spec, f.path).not.toMatch(/\/(db|http|routes)\//);
    }
  });

  it("has routes that do not import each other: the URL table (routes/index.ts) is the only place that joins them", () => {
    for (const f of files.filter((x) => x.path.startsWith("routes/") && x.path !== "routes/index.ts")) {
      for (const spec of valueImports(f.text)) {
        if (spec.startsWith("./")) expect(spec, f.path).toBe("./params");
      }
    }
  });

  it("mounts routes in one place only", () => {
    for (const f of files.filter((x) => x.path !== "app.ts")) {
      expect(f.text, f.path).not.toMatch(/new Hono\b|\.route\(/);
    }
  });
});
