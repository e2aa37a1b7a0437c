/**
 * @module content/permalink
 * Jekyll 4's post URLs, reproduced: filename slugs, `:categories` lowercased
 * and de-duplicated, and Jekyll's own path escaping.
 */

/** Jekyll's `Utils.slugify(s, mode: "pretty", cased: true)`. */
export function jekyllSlugify(s: string): string {
  return s.replace(/[^\p{L}\p{N}._~!$&'()+,;=@]+/gu, "-").replace(/^-+|-+$/g, "");
}

const SAFE = /^[a-zA-Z0-9./-]+$/;
const KEEP = /[a-zA-Z0-9\-._~!$&'()*+,;=:@/]/;
const utf8 = new TextEncoder();

/** Jekyll's `URL.escape_path`: percent-encodes all but unreserved, sub-delims, ':', '@' and '/'. */
export function escapePath(path: string): string {
  if (path === "" || SAFE.test(path)) return path;
  let out = "";
  for (const ch of path) {
    if (KEEP.test(ch)) out += ch;
    else for (const b of utf8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The `/a/b` prefix Jekyll builds from a post's categories (lowercased, de-duplicated, in order). */
export function categoryPath(categories: string[]): string {
  const seen: string[] = [];
  for (const c of categories) {
    const l = c.toLowerCase();
    if (!seen.includes(l)) seen.push(l);
  }
  return seen.length ? `/${seen.join("/")}` : "";
}

export interface PermalinkInput {
  categories: string[];
  /** YYYY-MM-DD in the site's time zone */
  localDate: string;
  slug: string;
  /** The post's own `permalink:` front matter, if any. */
  permalink?: string | null;
}

/** Canonical path of a post, escaped the way Jekyll writes it. */
export function canonicalPath({ categories, localDate, slug, permalink }: PermalinkInput): string {
  const [year, month, day] = localDate.split("-") as [string, string, string];
  if (permalink) {
    const expanded = permalink
      .replace(/:categories/g, categoryPath(categories).slice(1))
      .replace(/:year/g, year)
      .replace(/:month/g, month)
      .replace(/:day/g, day)
      .replace(/:(title|slug)/g, slug)
      .replace(/\/{2,}/g, "/");
    return escapePath(expanded.startsWith("/") ? expanded : `/${expanded}`);
  }
  return escapePath(`${categoryPath(categories)}/${year}/${month}/${day}/${slug}.html`);
}

/** Splits a `YYYY-MM-DD-slug.md` filename; `date` is null when the name carries none. */
export function parseFilename(basename: string): { date: string | null; slug: string } {
  const stem = basename.replace(/\.(md|markdown)$/i, "");
  const m = /^(\d{4})-(\d{2})-(\d{2})-(.+)$/.exec(stem);
  if (m) return { date: `${m[1]}-${m[2]}-${m[3]}`, slug: jekyllSlugify(m[4] as string) };
  return { date: null, slug: jekyllSlugify(stem) };
}
