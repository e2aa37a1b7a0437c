/**
 * @module routes/meta
 * Health check, robots.txt, the stylesheet and the sitemaps (an index of
 * monthly sitemaps computed from two index probes, each month one range scan).
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { pathsBetween, timeSpan } from "../db/repository";
import { cached, LIVE, type CachePolicy } from "../http/cache";
import { SITE_CSS } from "../views/style";
import { sitemapIndexXml, urlsetXml } from "../views/sitemap";

const STATIC: CachePolicy = { maxAge: 3600, edgeFresh: 3600, staleWhileRevalidate: 86400 };
const MONTH_RE = /^(\d{4})-(\d{2})\.xml$/;
/** Sitemaps hold at most 50,000 URLs. */
const SITEMAP_LIMIT = 50000;

export const meta = new Hono<AppEnv>();

meta.get("/healthz", (c) => c.json({ ok: true }, 200, { "Cache-Control": "no-store" }));

meta.get("/robots.txt", cached(STATIC), (c) =>
  c.text(`User-agent: *\nAllow: /\n\nSitemap: ${c.get("config").siteUrl}/sitemap.xml\n`),
);

meta.get("/assets/site.css", cached(STATIC), (c) => c.body(SITE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }));

meta.get("/sitemap.xml", cached(LIVE), async (c) => {
  const span = await timeSpan(c.get("db"), c.get("now"));
  const months: string[] = [];
  if (span) {
    // Months are UTC calendar months: the sitemap split only needs to be stable, not local.
    const first = new Date(span.first);
    const last = new Date(span.last);
    for (
      let y = first.getUTCFullYear(), m = first.getUTCMonth();
      y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth());
      m === 11 ? (y++, (m = 0)) : m++
    ) {
      months.push(`${y}-${String(m + 1).padStart(2, "0")}`);
    }
  }
  const base = c.get("config").siteUrl;
  return c.body(sitemapIndexXml(months.map((m) => `${base}/sitemaps/${m}.xml`)), 200, {
    "Content-Type": "application/xml; charset=utf-8",
  });
});

meta.get("/sitemaps/:file", cached(LIVE), async (c) => {
  const m = MONTH_RE.exec(c.req.param("file"));
  if (!m) return c.notFound();
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const to = Date.UTC(Number(m[1]), Number(m[2]), 1);
  if (Number.isNaN(from) || Number(m[2]) < 1 || Number(m[2]) > 12) return c.notFound();
  const rows = await pathsBetween(c.get("db"), from, Math.min(to, c.get("now") + 1), SITEMAP_LIMIT);
  const base = c.get("config").siteUrl;
  return c.body(urlsetXml(rows.map((r) => ({ loc: `${base}${r.path}`, lastmod: new Date(r.updatedAt).toISOString() }))), 200, {
    "Content-Type": "application/xml; charset=utf-8",
  });
});
