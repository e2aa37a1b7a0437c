/**
 * @module content/permalink
 * Jekyll 4's post URLs, reproduced: filename slugs, `:categories` lowercased
 * and de-duplicated, Jekyll's own path escaping and sanitising.
 */

/**
 * Lookup key of a category or tag: case-insensitive (`TechWeb` = `Techweb`), nothing else
 * folded. The seed stores it and routes look it up with this one function.
 */
export function termKey(name: string): string {
  return name.toLowerCase();
}

/** Jekyll's `Utils.slugify(s, mode: "pretty", cased: true)`. */
export function jekyllSlugify(s: string): string {
  return s.replace(/[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+/gu, "-").replace(/^-|-$/g, "");
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
  /** HH:MM:SS in the site's time zone (for `:hour`, `:minute`, `:second` in a permalink). */
  localTime?: string;
  slug: string;
  /** The post's own `permalink:` front matter, if any. */
  permalink?: string | null;
}

/**
 * Jekyll's `URL#sanitize_url` (`..` → `/`, `./` dropped, slashes squeezed), then the WHATWG
 * path normalisation browsers apply, so the stored path is exactly the path a request for it
 * arrives with (a hostile `..` category can't make a page that redirects to itself forever).
 */
export function sanitizePath(path: string): string {
  const jekyll = `/${path}`
    .replaceAll("..", "/")
    .replaceAll("./", "")
    .replace(/\/{2,}/g, "/");
  try {
    return new URL(jekyll, "https://x.invalid").pathname;
  } catch {
    return jekyll;
  }
}

/** Canonical path of a post, escaped the way Jekyll writes it. */
export function canonicalPath({ categories, localDate, localTime, slug, permalink }: PermalinkInput): string {
  const [year, month, day] = localDate.split("-") as [string, string, string];
  const [hour, minute, second] = (localTime ?? "00:00:00").split(":") as [string, string, string];
  // Jekyll escapes each placeholder's value; our permalink literals are escaped too, since the
  // stored path is compared with request paths, which arrive percent-encoded.
  const values: Record<string, string> = {
    categories: categoryPath(categories).slice(1),
    year,
    month,
    day,
    i_month: String(Number(month)),
    i_day: String(Number(day)),
    short_year: year.slice(2),
    hour,
    minute,
    second,
    title: slug,
    slug,
    output_ext: ".html",
  };
  const template = permalink || "/:categories/:year/:month/:day/:title:output_ext";
  const expanded = template.replace(/:([a-z_]+)/g, (whole, name: string) => {
    const key = name in values ? name : name.endsWith("_") && name.slice(0, -1) in values ? name.slice(0, -1) : null;
    if (key === null) return whole;
    return values[key] + (key === name ? "" : "_");
  });
  return sanitizePath(escapePath(expanded));
}

/** Splits a `YYYY-MM-DD-slug.md` filename; `date` is null when the name carries none. */
export function parseFilename(basename: string): { date: string | null; slug: string } {
  const stem = basename.replace(/\.(md|markdown)$/i, "");
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:-(.*))?$/.exec(stem);
  if (m) return { date: `${m[1]}-${m[2]}-${m[3]}`, slug: jekyllSlugify(m[4] ?? "") };
  return { date: null, slug: jekyllSlugify(stem) };
}
