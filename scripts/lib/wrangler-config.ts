/**
 * @module scripts/lib/wrangler-config
 * Reads the parts of a wrangler configuration file the seed needs (vars,
 * D1 bindings, compatibility date) without loading wrangler itself: importing
 * wrangler costs ~1.7 s, more than a whole publish may take. Accepts the
 * formats wrangler does: wrangler.toml, wrangler.json and wrangler.jsonc.
 */
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "../../src/config";

export interface D1Entry {
  binding: string;
  database_name?: string;
  database_id?: string;
  preview_database_id?: string;
  migrations_dir?: string;
}

export interface WranglerConfig {
  compatibility_date?: string;
  vars?: Record<string, unknown>;
  d1_databases?: D1Entry[];
}

/** JSONC → JSON: drops comments and trailing commas outside strings. */
export function stripJsonc(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

function asEntries(value: unknown, path: string): D1Entry[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ConfigError(path, "d1_databases must be an array of tables");
  return value.map((v, i) => {
    if (typeof v !== "object" || v === null || typeof (v as D1Entry).binding !== "string") {
      throw new ConfigError(path, `d1_databases[${i}] needs a "binding" string`);
    }
    for (const key of ["database_name", "database_id", "preview_database_id", "migrations_dir"] as const) {
      const field = (v as Record<string, unknown>)[key];
      if (field !== undefined && typeof field !== "string")
        throw new ConfigError(path, `d1_databases[${i}].${key} must be a string`);
    }
    return v as D1Entry;
  });
}

/**
 * Reads and shape-checks `path`; every problem is a ConfigError naming the file and the reason.
 * With `env`, vars and D1 bindings are that environment's (`[env.<name>]`): wrangler does not
 * inherit them from the top level, so neither does this.
 */
export function readWranglerConfig(path: string, env: string | null = null): WranglerConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ConfigError(path, `cannot read the wrangler configuration: ${reason}`);
  }
  let raw: unknown;
  try {
    raw = /\.jsonc?$/i.test(path) ? JSON.parse(stripJsonc(text)) : parseToml(text);
  } catch (err) {
    throw new ConfigError(
      path,
      `is not valid ${/\.jsonc?$/i.test(path) ? "JSON" : "TOML"}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError(path, "must hold a table of settings");
  const top = raw as Record<string, unknown>;
  let cfg = top;
  if (env) {
    const envs = top.env as Record<string, unknown> | undefined;
    const section = envs?.[env];
    if (typeof section !== "object" || section === null || Array.isArray(section)) {
      throw new ConfigError(path, `has no environment named "${env}" ([env.${env}])`);
    }
    cfg = { ...(section as Record<string, unknown>), compatibility_date: top.compatibility_date };
  }
  if (cfg.vars !== undefined && (typeof cfg.vars !== "object" || cfg.vars === null || Array.isArray(cfg.vars))) {
    throw new ConfigError(path, "[vars] must be a table");
  }
  if (cfg.compatibility_date !== undefined && typeof cfg.compatibility_date !== "string") {
    throw new ConfigError(path, "compatibility_date must be a string");
  }
  return {
    compatibility_date: cfg.compatibility_date as string | undefined,
    vars: cfg.vars as Record<string, unknown> | undefined,
    d1_databases: asEntries(cfg.d1_databases, path),
  };
}
