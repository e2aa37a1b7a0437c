/**
 * @module content/frontmatter
 * Splits a post into front matter and body, and reads the front matter:
 * YAML first, then, when the scraper's unescaped quotes broke the YAML,
 * the known keys line by line so nothing recoverable is lost.
 */
import { parse as parseYaml } from "yaml";

export type FrontMatter = Record<string, unknown>;

export interface SplitResult {
  yaml: string;
  body: string;
  /** 1-based line of the opening `---` in the normalised text. */
  openLine: number;
  warnings: string[];
}

export class FrontMatterError extends Error {}

const FENCE = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/** Expects text with LF line ends and no BOM. Throws FrontMatterError when there is no block or it never closes. */
export function splitFrontMatter(text: string): SplitResult {
  const lines = text.split("\n");
  const warnings: string[] = [];
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === "") i++;
  if (i >= lines.length || !FENCE.test(lines[i] as string)) {
    throw new FrontMatterError("no front matter: the file must start with a '---' line");
  }
  if (i > 0) {
    warnings.push(
      `${i} blank line${i > 1 ? "s" : ""} before the opening '---' (Jekyll would publish this file without front matter); read the front matter anyway`,
    );
  }
  const open = i;
  for (let j = open + 1; j < lines.length; j++) {
    if (CLOSE.test(lines[j] as string)) {
      return {
        yaml: lines.slice(open + 1, j).join("\n"),
        body: lines.slice(j + 1).join("\n"),
        openLine: open + 1,
        warnings,
      };
    }
  }
  throw new FrontMatterError(`front matter opened on line ${open + 1} never closes (no second '---' line)`);
}

const KNOWN_KEYS = ["title", "date", "categories", "category", "tags", "layout", "published", "permalink", "slug"];

/** Reads known `key: value` lines, and `- item` lists under them, without a YAML parser. */
export function readKnownKeys(yaml: string): FrontMatter {
  const out: FrontMatter = {};
  let listKey: string | null = null;
  for (const line of yaml.split("\n")) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey) {
      const arr = Array.isArray(out[listKey]) ? (out[listKey] as unknown[]) : [];
      arr.push(unquote((item[1] as string).trim()));
      out[listKey] = arr;
      continue;
    }
    const m = /^([A-Za-z_]+)\s*:(.*)$/.exec(line);
    listKey = null;
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    if (!KNOWN_KEYS.includes(key)) continue;
    const raw = (m[2] as string).trim();
    if (raw === "") {
      listKey = key;
      out[key] = "";
      continue;
    }
    if (raw.startsWith("[") && raw.endsWith("]")) {
      out[key] = raw
        .slice(1, -1)
        .split(",")
        .map((s) => unquote(s.trim()))
        .filter(Boolean);
      continue;
    }
    const v = unquote(raw);
    out[key] = key === "published" ? !/^(false|no|off)$/i.test(v) : v;
  }
  return out;
}

/** Strips one pair of outer quotes, keeping every inner quote: `"他说"不"然后"` → `他说"不"然后`. */
function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) return v.slice(1, -1);
  return v;
}

export interface ReadResult {
  data: FrontMatter;
  warnings: string[];
}

/** Parses front matter YAML; on failure falls back to readKnownKeys with a warning. */
export function readFrontMatter(yaml: string): ReadResult {
  try {
    const data = parseYaml(yaml, { schema: "core", uniqueKeys: false, prettyErrors: false, maxAliasCount: 10 });
    if (data === null || data === undefined) return { data: {}, warnings: [] };
    if (typeof data !== "object" || Array.isArray(data)) {
      return { data: readKnownKeys(yaml), warnings: ["front matter is not a YAML mapping; read known keys line by line"] };
    }
    return { data: data as FrontMatter, warnings: [] };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return {
      data: readKnownKeys(yaml),
      warnings: [`front matter is not valid YAML (${reason}); read known keys line by line`],
    };
  }
}

/** Jekyll's rule: a string is split on whitespace, a list is kept element-wise, the singular key wins. */
export function termList(data: FrontMatter, singular: string, plural: string): { list: string[]; raw: string } {
  if (singular in data && data[singular] !== null && data[singular] !== undefined && data[singular] !== "") {
    const v = data[singular];
    const list = (Array.isArray(v) ? v : [v]).map((x) => String(x).trim()).filter(Boolean);
    return { list, raw: list.join(" ") };
  }
  const v = data[plural];
  if (typeof v === "string" || typeof v === "number") {
    const raw = String(v);
    return { list: raw.split(/\s+/).filter(Boolean), raw: raw.trim() };
  }
  if (Array.isArray(v)) {
    const list = v
      .filter((x) => x !== null && x !== undefined)
      .map((x) => String(x).trim())
      .filter(Boolean);
    return { list, raw: list.join(" ") };
  }
  return { list: [], raw: "" };
}
