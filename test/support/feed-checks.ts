/**
 * @module test/support/feed-checks
 * Checks shared by the feed tests in both projects (no Node or Workers APIs):
 * a JSON Feed 1.1 shape check that names the first offending field, and the
 * XML well-formedness rules fast-xml-parser's XMLValidator does not enforce.
 */

const isStr = (v: unknown): v is string => typeof v === "string";
const isUrl = (v: unknown) => {
  if (!isStr(v)) return false;
  try {
    return /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
};
const isDate = (v: unknown) => isStr(v) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkAuthors(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.length) return [`${where}.authors must be a non-empty array`];
  return v.flatMap((a, i) =>
    typeof a === "object" && a !== null && (isStr(a.name) || isUrl(a.url) || isUrl(a.avatar))
      ? []
      : [`${where}.authors[${i}] needs a name, url or avatar`],
  );
}

/** Problems with a parsed JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/); [] when valid. */
export function jsonFeed11Problems(doc: unknown): string[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return ["top level must be an object"];
  const f = doc as Record<string, unknown>;
  const out: string[] = [];
  if (f.version !== "https://jsonfeed.org/version/1.1") out.push(`version is ${JSON.stringify(f.version)}`);
  if (!isStr(f.title) || !f.title) out.push("title must be a non-empty string");
  for (const k of ["home_page_url", "feed_url", "next_url", "icon", "favicon"]) {
    if (f[k] !== undefined && !isUrl(f[k])) out.push(`${k} must be an http(s) URL`);
  }
  for (const k of ["description", "user_comment", "language"])
    if (f[k] !== undefined && !isStr(f[k])) out.push(`${k} must be a string`);
  if ("author" in f) out.push("author is JSON Feed 1.0; 1.1 uses authors");
  out.push(...checkAuthors(f.authors, "feed"));
  if (!Array.isArray(f.items)) return [...out, "items must be an array"];
  const ids = new Set<string>();
  f.items.forEach((raw, i) => {
    const w = `items[${i}]`;
    if (typeof raw !== "object" || raw === null) {
      out.push(`${w} must be an object`);
      return;
    }
    const it = raw as Record<string, unknown>;
    if (!isStr(it.id) || !it.id) out.push(`${w}.id must be a non-empty string`);
    else if (ids.has(it.id)) out.push(`${w}.id repeats`);
    else ids.add(it.id);
    if (!isStr(it.content_html) && !isStr(it.content_text)) out.push(`${w} needs content_html or content_text`);
    for (const k of ["url", "external_url", "image", "banner_image"])
      if (it[k] !== undefined && !isUrl(it[k])) out.push(`${w}.${k} must be an http(s) URL`);
    for (const k of ["title", "summary", "content_html", "content_text", "language"]) {
      if (it[k] !== undefined && !isStr(it[k])) out.push(`${w}.${k} must be a string`);
    }
    for (const k of ["date_published", "date_modified"])
      if (it[k] !== undefined && !isDate(it[k])) out.push(`${w}.${k} must be RFC 3339`);
    if (it.tags !== undefined && !(Array.isArray(it.tags) && it.tags.every(isStr))) out.push(`${w}.tags must be strings`);
    if ("author" in it) out.push(`${w}.author is JSON Feed 1.0; 1.1 uses authors`);
    out.push(...checkAuthors(it.authors, w));
    for (const [k, v] of Object.entries(it)) if (isStr(v) && LONE_SURROGATE.test(v)) out.push(`${w}.${k} holds a lone surrogate`);
  });
  return out;
}

// XML 1.0 Char production, negated.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Well-formedness rules XMLValidator lets through: characters outside XML's
 * Char production, `]]>` outside CDATA, `<` or a bare `&` inside attribute
 * values, undeclared namespace prefixes. [] when none is broken.
 */
export function strictXmlProblems(xml: string): string[] {
  const out: string[] = [];
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad)
    out.push(`character U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase()} at ${bad.index} is not allowed in XML`);
  // Walk markup, skipping CDATA sections, the only place where `<`, `&` and `]]>` may appear raw.
  const declared = new Set(["xml", "xmlns"]);
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    const text = xml.slice(i, textEnd);
    if (text.includes("]]>")) out.push(`"]]>" in text at ${i + text.indexOf("]]>")}`);
    const amp = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9a-fA-F]+);)/.exec(text);
    if (amp) out.push(`bare "&" in text at ${i + amp.index}`);
    if (lt < 0) break;
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) return [...out, `unterminated CDATA at ${lt}`];
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<?", lt) || xml.startsWith("<!--", lt)) {
      const end = xml.indexOf(xml.startsWith("<?", lt) ? "?>" : "-->", lt + 2);
      if (end < 0) return [...out, `unterminated markup at ${lt}`];
      i = end + 2;
      continue;
    }
    // A tag: attribute values are quoted; find the closing '>' outside quotes.
    let j = lt + 1;
    let quote: string | null = null;
    let value = "";
    let bare = "<";
    const values: string[] = [];
    for (; j < xml.length; j++) {
      const ch = xml[j] as string;
      if (quote) {
        if (ch === quote) {
          values.push(value);
          quote = null;
          value = "";
          bare += '""';
        } else value += ch;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ">") break;
      else if (ch === "<") {
        out.push(`"<" inside a tag at ${j}`);
        break;
      } else bare += ch;
    }
    const tag = xml.slice(lt, j + 1);
    bare += ">";
    for (const v of values) {
      if (v.includes("<")) out.push(`"<" in an attribute value of ${tag.slice(0, 40)}`);
      if (/&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9a-fA-F]+);)/.test(v))
        out.push(`bare "&" in an attribute value of ${tag.slice(0, 40)}`);
    }
    for (const m of bare.matchAll(/\sxmlns:([\w.-]+)=/g)) declared.add(m[1] as string);
    for (const m of bare.matchAll(/(?:^<\/?|\s)([\w.-]+):[\w.-]+(?=[\s=/>])/g)) {
      if (!declared.has(m[1] as string)) out.push(`undeclared namespace prefix "${m[1]}" in ${tag.slice(0, 40)}`);
    }
    i = j + 1;
  }
  return out;
}
