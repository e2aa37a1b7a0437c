/**
 * @module feeds/urls
 * Absolute URLs for feeds: readers fetch feeds out of context, so every link,
 * image and id must stand on its own (a relative `href` would resolve against
 * the feed URL, or not at all).
 */
import { escapePath } from "../content/permalink";

/**
 * `siteUrl` + a site path, as the WHATWG URL parser writes it (the form every
 * format then shows). Concatenation, not resolution, so a path like `//x/…`
 * cannot change the host.
 */
export function absoluteUrl(siteUrl: string, path: string): string {
  return new URL(`${siteUrl}${path.startsWith("/") ? path : `/${path}`}`).href;
}

/**
 * jekyll-feed's entry id: Jekyll's `post.id`, i.e. the URL's directory plus
 * the slug, made absolute. For the default permalink that is the URL without `.html`.
 */
export function entryIdPath(path: string, slug: string): string {
  const p = path.startsWith("/") ? path : `/${path}`;
  const name = escapePath(slug);
  if (p.endsWith(`/${name}.html`)) return p.slice(0, -5);
  // Ruby's File.dirname ignores a trailing slash: "/news/x/" → "/news".
  const dir = p.slice(0, p.replace(/\/+$/, "").lastIndexOf("/"));
  return `${dir}/${name}`;
}

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeAttr(v: string): string {
  return v.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name] as string;
    const cp = dec ? Number(dec) : Number.parseInt(hex as string, 16);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
  });
}

const encodeAttr = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Stored bodies come from sanitize-html, which double-quotes every attribute and escapes `<`, `>` and `"`
// inside values and text, so a tag is exactly `<name …>` with no `<`/`>` inside.
const TAG = /<[a-zA-Z][^<>]*>/g;
const URL_ATTR = /(\s(?:href|src)\s*=\s*")([^"]*)"/gi;
const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Rewrites every relative `href`/`src` (paths, `//host/…`, `#frag`) against `base`, the post's own URL. */
export function absolutizeHtml(html: string, base: string): string {
  // Scraped bodies repeat the same few links (quote pages, back-links) many times.
  const resolved = new Map<string, string | null>();
  const resolve = (raw: string): string | null => {
    let out = resolved.get(raw);
    if (out !== undefined) return out;
    const value = decodeAttr(raw).trim();
    out = null;
    if (value && !HAS_SCHEME.test(value)) {
      try {
        out = encodeAttr(new URL(value, base).href);
      } catch {
        out = null;
      }
    }
    resolved.set(raw, out);
    return out;
  };
  return html.replace(TAG, (tag) =>
    tag.replace(URL_ATTR, (whole, head: string, raw: string) => {
      const abs = resolve(raw);
      return abs === null ? whole : `${head}${abs}"`;
    }),
  );
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  jpe: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
  bmp: "image/bmp",
};

/** Media type from the URL's file extension, or null (e.g. `GetPic.aspx?…` chart widgets). */
export function imageType(url: string): string | null {
  try {
    const ext = /\.([a-zA-Z0-9]+)$/.exec(new URL(url).pathname)?.[1]?.toLowerCase();
    return (ext && IMAGE_TYPES[ext]) || null;
  } catch {
    return null;
  }
}

/** The URL as the WHATWG parser writes it, or null when it is not an absolute http(s) URL. */
export function httpUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}
