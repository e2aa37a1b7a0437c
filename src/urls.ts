/**
 * @module urls
 * Every site path the Worker writes into a page, a feed or a redirect, built
 * in one place so links, canonicals and the URL table (src/routes/index.ts)
 * agree. Pure functions of names and codes; the patterns that answer them are
 * in the table, next to each builder.
 */

const seg = (name: string) => encodeURIComponent(name);

export type FeedFormat = "atom" | "rss" | "json";
/** Categories and raw `categories:` strings ('c' / 'r') share pages; tags ('t') have their own. */
export type TermScope = "c" | "r" | "t";

export const FEED_TYPES: Record<FeedFormat, string> = {
  atom: "application/atom+xml",
  rss: "application/rss+xml",
  json: "application/feed+json",
};

export const FEED_NAMES: Record<FeedFormat, string> = { atom: "Atom", rss: "RSS", json: "JSON Feed" };

export const homeHref = () => "/";
export const categoriesHref = () => "/categories.html";
export const categoryHref = (name: string) => `/category/${seg(name)}.html`;
export const tagHref = (name: string) => `/tag/${seg(name)}.html`;
/** The list page of a category, raw categories string or tag. */
export const termHref = (kind: TermScope, name: string) => (kind === "t" ? tagHref(name) : categoryHref(name));
export const shareHref = (code: string) => `/html_News/NewsShare.html?infoCode=${encodeURIComponent(code)}`;
export const opmlHref = (format?: FeedFormat) => (format && format !== "rss" ? `/feeds.opml?format=${format}` : "/feeds.opml");
export const sitemapIndexHref = () => "/sitemap.xml";
export const sitemapHref = (file: string) => `/sitemaps/${file}.xml`;

const SITE_FEEDS: Record<FeedFormat, string> = { atom: "/feed.xml", rss: "/rss.xml", json: "/feed.json" };
const FEED_FILES: Record<FeedFormat, string> = { atom: "atom.xml", rss: "rss.xml", json: "feed.json" };

/** The feed of the whole site (kind null), a category/raw string or a tag, beside its list page. */
export function feedHref(kind: TermScope | null, name: string, format: FeedFormat): string {
  if (kind === null) return SITE_FEEDS[format];
  return `/${kind === "t" ? "tag" : "category"}/${seg(name)}/${FEED_FILES[format]}`;
}

/** The path of the search page (no format) or of one of its feeds, without a query. */
export const searchPath = (format?: FeedFormat): string => (format ? `/search/${FEED_FILES[format]}` : "/search");

/** The search page (no format) or one of its feeds, for a query and, optionally, a category's name. */
export function searchHref(q: string, category?: string | null, format?: FeedFormat): string {
  return withQuery(searchPath(format), [
    ["q", q],
    ["category", category ?? undefined],
  ]);
}

/** jekyll-feed's own spellings, which the old site's subscribers still poll (Atom only). */
export const jekyllCategoryFeedHref = (name: string) => `/feed/${seg(name)}.xml`;
export const jekyllTagFeedHref = (name: string) => `/feed/by_tag/${seg(name)}.xml`;

/** `path` with the query parameters that have a value, in the order given. */
export function withQuery(path: string, params: [string, string | number | undefined][]): string {
  const q = params.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return q.length ? `${path}?${q.join("&")}` : path;
}
