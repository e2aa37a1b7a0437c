/**
 * The render version every ETag carries is derived from the code: any edit
 * under src/ (views, feeds, anything that shapes output) or a new version of
 * a runtime dependency changes it; nothing else does.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT, renderVersionOf, writeRenderVersion } from "../../scripts/render-version.mjs";
import { ROOT } from "../support/fixtures";

describe("render version", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "render-version-"));
    cpSync(join(ROOT, "src"), join(dir, "src"), { recursive: true });
    for (const f of ["package.json", "package-lock.json"]) cpSync(join(ROOT, f), join(dir, f));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, change: (s: string) => string) => {
    const path = join(dir, file);
    const before = readFileSync(path, "utf8");
    writeFileSync(path, change(before));
    return () => writeFileSync(path, before);
  };

  it("is stable, and ignores its own output file", () => {
    const v = renderVersionOf(dir);
    expect(v).toMatch(/^[0-9a-f]{12}$/);
    writeFileSync(join(dir, OUTPUT), 'export const RENDER_VERSION = "anything";\n');
    expect(renderVersionOf(dir)).toBe(v);
  });

  for (const file of [
    "src/views/article.tsx",
    "src/views/style.ts",
    "src/feeds/atom.ts",
    "src/config.ts",
    "src/routes/feeds.ts",
  ]) {
    it(`changes when ${file} changes, and comes back when the edit is undone`, () => {
      const v = renderVersionOf(dir);
      const undo = edit(file, (s) => s.replace("\n", "\n// a template change\n"));
      expect(renderVersionOf(dir)).not.toBe(v);
      undo();
      expect(renderVersionOf(dir)).toBe(v);
    });
  }

  it("changes with the installed version of a runtime dependency (the feed writer, the JSX renderer)", () => {
    const v = renderVersionOf(dir);
    const undo = edit("package-lock.json", (s) => {
      const lock = JSON.parse(s);
      lock.packages["node_modules/feed"].version = "99.0.0";
      return JSON.stringify(lock);
    });
    expect(renderVersionOf(dir)).not.toBe(v);
    undo();
  });

  it("is what the project's generated module says (the Worker and the tests read it)", () => {
    const v = writeRenderVersion(ROOT);
    expect(readFileSync(join(ROOT, OUTPUT), "utf8")).toContain(`export const RENDER_VERSION = "${v}";`);
    expect(v).toBe(renderVersionOf(ROOT));
  });
});
