/**
 * @module views/sitemap
 * Sitemap XML (sitemaps.org 0.9). URLs are escaped; they are our own paths.
 */
import { xmlEscape } from "./xml";

export function sitemapIndexXml(locs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${locs
    .map((l) => `  <sitemap><loc>${xmlEscape(l)}</loc></sitemap>\n`)
    .join("")}</sitemapindex>\n`;
}

export function urlsetXml(urls: { loc: string; lastmod: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((u) => `  <url><loc>${xmlEscape(u.loc)}</loc><lastmod>${u.lastmod}</lastmod></url>\n`)
    .join("")}</urlset>\n`;
}
