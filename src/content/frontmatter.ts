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

/** The keys the scraper wrote, plus the ones a hand-written post may use; see docs/content-format.md. */
const KNOWN_KEYS = ["title", "date", "categories", "category", "tags", "tag", "layout", "published", "permalink"];

/** Keys whose values become category and tag names: a broken value must never become one. */
const NAME_KEYS = new Set(["categories", "category", "tags", "tag"]);

/**
 * Why a value read by the line fallback is broken YAML syntax rather than text (an unclosed `[`,
 * `{` or quote, or a flow mapping), or null when it reads as text. Only for NAME_KEYS: `[emnews`
 * must not become a source named "[emnews".
 */
export function brokenSyntax(raw: string): string | null {
  const v = raw.trim();
  const q = v[0];
  if (q === "{") return v.endsWith("}") ? "a YAML mapping, not names" : "an unclosed '{'";
  if (q === "[") {
    if (!v.endsWith("]")) return "an unclosed '['";
    const inner = v.slice(1, -1);
    if (/[[\]{}]/.test(inner)) return "nested brackets";
    for (const item of inner.split(",")) {
      const why = brokenSyntax(item);
      if (why) return why;
    }
    return null;
  }
  if (q === '"' || q === "'")
    return v.length >= 2 && v.endsWith(q) ? null : `an unclosed ${q === '"' ? "double" : "single"} quote`;
  return null;
}

/**
 * Reads known `key: value` lines, and `- item` lists under them, without a YAML parser. A name key
 * whose value is broken syntax is left out, with a warning in `warnings`.
 */
export function readKnownKeys(yaml: string, warnings: string[] = []): FrontMatter {
  const out: FrontMatter = {};
  const dropped = new Set<string>();
  const drop = (key: string, raw: string, why: string) => {
    if (!dropped.has(key)) {
      warnings.push(`${key}: ${JSON.stringify(raw.trim())} is broken YAML (${why}); left out, no ${key} taken from it`);
    }
    dropped.add(key);
    delete out[key];
  };
  let listKey: string | null = null;
  for (const line of yaml.split("\n")) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey) {
      const raw = (item[1] as string).trim();
      const why = NAME_KEYS.has(listKey) ? brokenSyntax(raw) : null;
      if (why) drop(listKey, raw, why);
      if (dropped.has(listKey)) continue;
      const arr = Array.isArray(out[listKey]) ? (out[listKey] as unknown[]) : [];
      arr.push(unquote(raw));
      out[listKey] = arr;
      continue;
    }
    const m = /^([A-Za-z_]+)[ \t]*:(.*)$/.exec(line);
    listKey = null;
    if (!m) continue;
    // Case-sensitive, as YAML is: the fallback must not find keys the parser would not.
    const key = m[1] as string;
    if (!KNOWN_KEYS.includes(key)) continue;
    const raw = (m[2] as string).trim();
    const why = NAME_KEYS.has(key) ? brokenSyntax(raw) : null;
    if (why) {
      drop(key, raw, why);
      continue;
    }
    dropped.delete(key);
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
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) {
    const inner = v.slice(1, -1);
    return q === "'" ? inner.replaceAll("''", "'") : inner;
  }
  return v;
}

export interface ReadResult {
  data: FrontMatter;
  warnings: string[];
}

// What YAML's core schema would read as null, a boolean or a number: left to the real parser.
const TYPED_PLAIN =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_]*): +(.+)$/;
// Characters whose YAML meaning at the start of a plain scalar, or anywhere, this reader does not model.
const PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
const UNUSUAL_CHAR = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
const PLAIN_BREAK = /: |:$| #/;

/**
 * The front matter the scraper wrote — `key: value` lines whose values are a double-quoted string
 * without `"` or `\`, or a plain string — read without the YAML parser, which costs more than the
 * rest of parsing a small post. Anything else (lists, numbers, booleans, comments, escapes, repeated
 * keys) returns null and goes to the YAML parser; the result is always what that parser would give.
 */
export function readSimpleYaml(yaml: string): FrontMatter | null {
  const out: FrontMatter = {};
  for (const line of yaml.split("\n")) {
    if (line === "") continue;
    const m = SIMPLE_LINE.exec(line);
    if (!m) return null;
    const key = m[1] as string;
    const v = m[2] as string;
    if (key in out || /\s$/.test(v)) return null;
    if (v[0] === '"') {
      if (!/^"[^"\\]*"$/.test(v) || UNUSUAL_CHAR.test(v)) return null;
      out[key] = v.slice(1, -1);
    } else {
      if (PLAIN_START.test(v) || PLAIN_BREAK.test(v) || UNUSUAL_CHAR.test(v) || TYPED_PLAIN.test(v)) return null;
      out[key] = v;
    }
  }
  return out;
}

/** Parses front matter YAML; on failure falls back to readKnownKeys with a warning. */
export function readFrontMatter(yaml: string): ReadResult {
  const simple = readSimpleYaml(yaml);
  if (simple) return { data: simple, warnings: [] };
  try {
    const data = parseYaml(yaml, { schema: "core", uniqueKeys: false, prettyErrors: false, maxAliasCount: 10 });
    if (data === null || data === undefined) return { data: {}, warnings: [] };
    if (typeof data !== "object" || Array.isArray(data)) {
      const warnings = ["front matter is not a YAML mapping; read known keys line by line"];
      return { data: readKnownKeys(yaml, warnings), warnings };
    }
    return { data: data as FrontMatter, warnings: [] };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    const warnings = [`front matter is not valid YAML (${reason}); read known keys line by line`];
    return { data: readKnownKeys(yaml, warnings), warnings };
  }
}

// Ruby's String#split: ASCII whitespace only (an ideographic space stays inside a name).
const RUBY_SPACE = /[ \t\n\v\f\r]+/;

/** Names from a YAML value: a mapping gives none (its text would be "[object Object]"). */
function scalars(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(scalars);
  if (typeof v === "object") return [];
  return [String(v)];
}

function splitTerms(v: unknown): string[] {
  if (typeof v === "string") return v.split(RUBY_SPACE).filter(Boolean);
  return scalars(v)
    .map((s) => s.trim())
    .filter(Boolean);
}

const uniq = (list: string[]) => [...new Set(list)];

/**
 * Jekyll 4's categories: `categories` (a string split on whitespace, or a list kept element-wise)
 * plus `category` (never split), duplicates dropped case-sensitively. `raw` is the `categories`
 * string as written, inner double spaces kept, for the old per-category pages.
 */
export function categoriesOf(data: FrontMatter): { list: string[]; raw: string } {
  const plural = data.categories;
  const singular =
    "category" in data
      ? scalars(data.category)
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const list = uniq([...splitTerms(plural), ...singular]);
  let raw: string;
  if (typeof plural === "string" || typeof plural === "number") raw = String(plural).replace(/^[ \t]+|[ \t]+$/g, "");
  else if (Array.isArray(plural)) raw = splitTerms(plural).join(" ");
  else raw = singular.join(" ");
  return { list, raw: raw || list.join(" ") };
}

/** Jekyll 4's tags: `tag` (never split) wins; else `tags`, split like categories. */
export function tagsOf(data: FrontMatter): string[] {
  if ("tag" in data && data.tag !== null && data.tag !== undefined) {
    return uniq(
      scalars(data.tag)
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  return uniq(splitTerms(data.tags));
}
