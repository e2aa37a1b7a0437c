/**
 * @module views/links
 * Site paths for categories, tags, feeds and share links: built in one place
 * so pages, feeds and redirects agree.
 */

const seg = (name: string) => encodeURIComponent(name);

export const categoryHref = (name: string) => `/category/${seg(name)}.html`;
export const tagHref = (name: string) => `/tag/${seg(name)}.html`;
export const shareHref = (code: string) => `/html_News/NewsShare.html?infoCode=${encodeURIComponent(code)}`;

export type FeedFormat = "atom" | "rss" | "json";
export const FEED_TYPES: Record<FeedFormat, string> = {
  atom: "application/atom+xml",
  rss: "application/rss+xml",
  json: "application/feed+json",
};

/** Feed URLs of a category ('c'/'r'), a tag ('t') or the whole site (null). */
export function feedHref(kind: "c" | "r" | "t" | null, name: string, format: FeedFormat): string {
  if (kind === null) return format === "atom" ? "/feed.xml" : format === "rss" ? "/rss.xml" : "/feed.json";
  const base = kind === "t" ? `/tag/${seg(name)}` : `/category/${seg(name)}`;
  return format === "json" ? `${base}/feed.json` : `${base}/${format}.xml`;
}
