/**
 * @module routes/meta
 * Health check, robots.txt, the stylesheet and icon, and the sitemaps: an
 * index of monthly sitemaps computed from two index probes, each month one
 * range scan over the published-time index (no OFFSET, no count).
 */
import type { Context } from "hono";
import { SITE_TAG } from "../db/changes";
import { pathsBetween, timeSpan } from "../db/repository";
import type { AppEnv } from "../env";
import { cachedRoute } from "../http/cached-route";
import { type CachePolicy, LIVE, STATIC } from "../http/policies";
import { sitemapHref, sitemapIndexHref } from "../urls";
import { sitemapIndexXml, urlsetXml } from "../views/sitemap";
import { FAVICON_SVG, SITE_CSS } from "../views/style";

const MONTH_RE = /^(\d{4})-(\d{2})\.xml$/;
/** Sitemaps hold at most 50,000 URLs. */
export const SITEMAP_LIMIT = 50000;
const XML = { "Content-Type": "application/xml; charset=utf-8" };

export const health = (c: Context<AppEnv>) => c.json({ ok: true }, 200, { "Cache-Control": "no-store" });

/** A response that depends on the code and config alone (the render version and config are in its ETag). */
const fixed = (policy: CachePolicy, render: (c: Context<AppEnv>) => Response) =>
  cachedRoute<null>({
    policy,
    load: async () => null,
    version: () => ({ version: "fixed" }),
    tags: () => [],
    render: (_, c) => render(c),
  });

export const robots = fixed(STATIC, (c) =>
  c.text(`User-agent: *\nAllow: /\n\nSitemap: ${c.get("config").siteUrl}${sitemapIndexHref()}\n`),
);
export const stylesheet = fixed(STATIC, (c) => c.body(SITE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }));
export const favicon = fixed(STATIC, (c) => c.body(FAVICON_SVG, 200, { "Content-Type": "image/svg+xml" }));

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

export const sitemapIndex = cachedRoute<null>({
  policy: LIVE,
  load: async () => null,
  version: () => null,
  tags: () => [SITE_TAG],
  async render(_, c) {
    const span = await timeSpan(c.get("db"), c.get("now"));
    // Months are UTC calendar months: the split only needs to be stable, not local.
    const months = span ? monthsBetween(span.first, span.last) : [];
    const base = c.get("config").siteUrl;
    return c.body(sitemapIndexXml(months.map((m) => `${base}${sitemapHref(m)}`)), 200, XML);
  },
});

export const sitemapMonth = cachedRoute<{ month: string; from: number; to: number }>({
  policy: LIVE,
  async load(c) {
    const m = MONTH_RE.exec(c.req.param("file") ?? "");
    const year = Number(m?.[1]);
    const month = Number(m?.[2]);
    if (!m || month < 1 || month > 12) return c.notFound();
    return { month: `${m[1]}-${m[2]}`, from: Date.UTC(year, month - 1, 1), to: Date.UTC(year, month, 1) };
  },
  version: () => null,
  tags: () => [SITE_TAG],
  async render({ month, from, to }, c) {
    const rows = await pathsBetween(c.get("db"), from, Math.min(to, c.get("now") + 1), SITEMAP_LIMIT);
    if (rows.length >= SITEMAP_LIMIT) {
      // The protocol's cap: the rest of this month is missing until months are split further.
      console.warn(JSON.stringify({ level: "warn", requestId: c.get("requestId"), msg: "sitemap month full", month }));
    }
    const base = c.get("config").siteUrl;
    return c.body(
      urlsetXml(rows.map((r) => ({ loc: `${base}${r.path}`, lastmod: new Date(r.updatedAt).toISOString() }))),
      200,
      XML,
    );
  },
});
