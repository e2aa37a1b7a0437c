/**
 * @module routes/meta
 * Health check, robots.txt, the stylesheet and icon, and the sitemaps: an
 * index of monthly sitemaps computed from two index probes, each month one
 * range scan over the published-time index (no OFFSET, no count).
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { pathsBetween, timeSpan } from "../db/repository";
import { type CachePolicy, cached, LIVE } from "../http/cache";
import { sitemapIndexXml, urlsetXml } from "../views/sitemap";
import { FAVICON_SVG, SITE_CSS } from "../views/style";

const STATIC: CachePolicy = { maxAge: 3600, edgeFresh: 3600, staleWhileRevalidate: 86400 };
const MONTH_RE = /^(\d{4})-(\d{2})\.xml$/;
/** Sitemaps hold at most 50,000 URLs. */
export const SITEMAP_LIMIT = 50000;
const XML = { "Content-Type": "application/xml; charset=utf-8" };

export const meta = new Hono<AppEnv>();

meta.get("/healthz", (c) => c.json({ ok: true }, 200, { "Cache-Control": "no-store" }));

meta.get("/robots.txt", cached(STATIC), (c) =>
  c.text(`User-agent: *\nAllow: /\n\nSitemap: ${c.get("config").siteUrl}/sitemap.xml\n`),
);

meta.get("/assets/site.css", cached(STATIC), (c) => c.body(SITE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }));
meta.get("/favicon.svg", cached(STATIC), (c) => c.body(FAVICON_SVG, 200, { "Content-Type": "image/svg+xml" }));

/** `YYYY-MM` of every UTC month from the oldest to the newest visible post. */
export function monthsBetween(first: number, last: number): string[] {
  const months: string[] = [];
  const a = new Date(first);
  const b = new Date(last);
  for (
    let y = a.getUTCFullYear(), m = a.getUTCMonth();
    y < b.getUTCFullYear() || (y === b.getUTCFullYear() && m <= b.getUTCMonth());
  ) {
    months.push(`${y}-${String(m + 1).padStart(2, "0")}`);
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return months;
}

meta.get("/sitemap.xml", cached(LIVE), async (c) => {
  const span = await timeSpan(c.get("db"), c.get("now"));
  // Months are UTC calendar months: the split only needs to be stable, not local.
  const months = span ? monthsBetween(span.first, span.last) : [];
  const base = c.get("config").siteUrl;
  return c.body(sitemapIndexXml(months.map((m) => `${base}/sitemaps/${m}.xml`)), 200, XML);
});

meta.get("/sitemaps/:file", cached(LIVE), async (c) => {
  const m = MONTH_RE.exec(c.req.param("file"));
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) return c.notFound();
  const from = Date.UTC(year, month - 1, 1);
  const to = Date.UTC(year, month, 1);
  const rows = await pathsBetween(c.get("db"), from, Math.min(to, c.get("now") + 1), SITEMAP_LIMIT);
  if (rows.length >= SITEMAP_LIMIT) {
    // The protocol's cap: the rest of this month is missing until months are split further.
    console.warn(JSON.stringify({ level: "warn", requestId: c.get("requestId"), msg: "sitemap month full", month: m[0] }));
  }
  const base = c.get("config").siteUrl;
  return c.body(
    urlsetXml(rows.map((r) => ({ loc: `${base}${r.path}`, lastmod: new Date(r.updatedAt).toISOString() }))),
    200,
    XML,
  );
});
