/**
 * Where a local seed writes without asking wrangler: the configuration read by
 * scripts/lib/wrangler-config (TOML, JSON, JSONC) and the SQLite file Miniflare
 * keeps the local D1 in. That the file is really the one wrangler reads is
 * proven end to end in seed-cli (`wrangler d1 execute --local`) and
 * dev-server (`wrangler dev` serving what the seed wrote).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectConfig, localDatabaseFile } from "../../scripts/lib/database";
import { durableObjectIdFromName } from "../../scripts/lib/local-d1";
import { readWranglerConfig, stripJsonc } from "../../scripts/lib/wrangler-config";
import { ConfigError } from "../../src/config";
import { ROOT } from "../support/fixtures";

const dir = mkdtempSync(join(tmpdir(), "finews-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("the local D1 file", () => {
  it("is named the way workerd names the Durable Object behind it (idFromName of the database id)", () => {
    // Values from files Miniflare created for these database ids.
    expect(durableObjectIdFromName("miniflare-D1DatabaseObject", "00000000-0000-0000-0000-000000000000")).toBe(
      "9ba2b04bf514d9facfd57ed57d849e77241a7adc99d1c1545d06688b43d84248",
    );
    expect(durableObjectIdFromName("miniflare-D1DatabaseObject", "DB")).toBe(
      "e7352547963de7050bd7d94658afc4fe78b61811b7815da12d90be8e863abf4d",
    );
  });

  it("is keyed like wrangler dev: preview_database_id, else database_id, else the binding", async () => {
    const key = async (entry: string) => {
      const p = file(
        "keyed.toml",
        `[vars]\nSITE_URL = "https://example.com"\nSITE_TITLE = "t"\nSITE_AUTHOR = "a"\n[[d1_databases]]\nbinding = "DB"\n${entry}`,
      );
      return (await loadProjectConfig(p)).database.localKey;
    };
    expect(await key('database_id = "a"\npreview_database_id = "b"')).toBe("b");
    expect(await key('database_id = "a"')).toBe("a");
    expect(await key('database_name = "n"')).toBe("DB");
  });

  it("lives under --persist-to DIR, or .wrangler/state beside the config", async () => {
    const project = await loadProjectConfig(join(ROOT, "wrangler.toml"));
    const name = "v3/d1/miniflare-D1DatabaseObject/9ba2b04bf514d9facfd57ed57d849e77241a7adc99d1c1545d06688b43d84248.sqlite";
    expect(localDatabaseFile(project, "/tmp/x")).toBe(join("/tmp/x", name));
    expect(localDatabaseFile(project, null)).toBe(join(ROOT, ".wrangler/state", name));
  });
});

describe("readWranglerConfig", () => {
  it("reads the project's wrangler.toml: vars, D1 binding, compatibility date", () => {
    const cfg = readWranglerConfig(join(ROOT, "wrangler.toml"));
    expect(cfg.vars?.SITE_URL).toBe("https://finews.withounder.com");
    expect(cfg.d1_databases?.[0]).toMatchObject({ binding: "DB", database_name: "finews", migrations_dir: "migrations" });
    expect(cfg.compatibility_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("reads wrangler.json and wrangler.jsonc (comments, trailing commas, slashes inside strings)", () => {
    const jsonc = `{
      // the site
      "vars": { "SITE_URL": "https://a.example/b//c", /* inline */ "X": "/* not a comment */", },
      "d1_databases": [{ "binding": "DB", "database_id": "id-1", },],
    }`;
    expect(readWranglerConfig(file("wrangler.jsonc", jsonc))).toEqual({
      compatibility_date: undefined,
      vars: { SITE_URL: "https://a.example/b//c", X: "/* not a comment */" },
      d1_databases: [{ binding: "DB", database_id: "id-1" }],
    });
    expect(readWranglerConfig(file("wrangler.json", stripJsonc(jsonc))).vars?.X).toBe("/* not a comment */");
  });

  it.each([
    ["a missing file", "nope.toml", null, /nope\.toml: cannot read the wrangler configuration: no such file/],
    ["broken TOML", "broken.toml", "name = \n[[", /broken\.toml: is not valid TOML/],
    ["broken JSON", "broken.json", "{ name: ", /broken\.json: is not valid JSON/],
    ["vars not a table", "vars.toml", 'vars = "x"', /vars\.toml: \[vars\] must be a table/],
    ["a binding without a name", "nob.toml", '[[d1_databases]]\ndatabase_id = "x"', /d1_databases\[0\] needs a "binding" string/],
    [
      "a non-string id",
      "id.toml",
      '[[d1_databases]]\nbinding = "DB"\ndatabase_id = 7',
      /d1_databases\[0\]\.database_id must be a string/,
    ],
  ])("names the file and the reason for %s", (_what, name, text, message) => {
    const p = text === null ? join(dir, name) : file(name, text);
    const err = (() => {
      try {
        readWranglerConfig(p);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
