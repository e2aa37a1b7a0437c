/**
 * @module routes/meta
 * Health check, robots.txt, the stylesheet and icon, and the sitemaps: an
 * index of daily sitemaps (UTC days; a day over 50,000 posts in numbered
 * parts) from one count per day over the published-time index of each
 * database, each day one range scan of the databases it spans.
 */
import type { Context } from "hono";
import { SITE_TAG } from "../db/changes";
import { dayCounts, pathsBetween } from "../db/repository";
import type { AppEnv } from "../env";
import { cachedRoute } from "../http/cached-route";
import { type CachePolicy, LIVE, STATIC } from "../http/policies";
import { cachedRedirect } from "../http/redirect";
import { sitemapHref, sitemapIndexHref } from "../urls";
import { sitemapIndexXml, urlsetXml } from "../views/sitemap";
import { FAVICON_SVG, SITE_CSS } from "../views/style";

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

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD` of a UTC day number (days since the epoch). */
export const dayName = (day: number): string => {
  const d = new Date(day * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** Sitemap file names of a day holding `n` posts: `YYYY-MM-DD`, then `YYYY-MM-DD-2`… per 50,000. */
export function dayFiles(day: number, n: number): string[] {
  const name = dayName(day);
  return Array.from({ length: Math.max(1, Math.ceil(n / SITEMAP_LIMIT)) }, (_, i) => (i ? `${name}-${i + 1}` : name));
}

export const sitemapIndex = cachedRoute<null>({
  policy: LIVE,
  load: async () => null,
  version: () => null,
  tags: () => [SITE_TAG],
  async render(_, c) {
    // Days are UTC days: the split only needs to be stable, not local. A day over 50,000 posts gets parts.
    const days = await dayCounts(c.get("db"), c.get("now"));
    const base = c.get("config").siteUrl;
    return c.body(
      sitemapIndexXml(days.flatMap(({ day, n }) => dayFiles(day, n).map((f) => `${base}${sitemapHref(f)}`))),
      200,
      XML,
    );
  },
});

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})(?:-([1-9]\d{0,3}))?\.xml$/;
/** The monthly sitemaps of earlier versions: their days are in the index now. */
const MONTH_RE = /^\d{4}-\d{2}\.xml$/;

export const sitemapDay = cachedRoute<{ from: number; part: number }>({
  policy: LIVE,
  async load(c) {
    const file = c.req.param("file") ?? "";
    if (MONTH_RE.test(file)) return cachedRedirect(c, `${c.get("config").siteUrl}${sitemapIndexHref()}`, 301, [SITE_TAG]);
    const m = DAY_RE.exec(file);
    const from = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
    if (!m || !Number.isFinite(from) || dayName(from / DAY_MS) !== `${m[1]}-${m[2]}-${m[3]}`) return c.notFound();
    return { from, part: Number(m[4] ?? 1) };
  },
  version: () => null,
  tags: () => [SITE_TAG],
  async render({ from, part }, c) {
    const range = { from, to: from + DAY_MS, now: c.get("now") };
    const rows = await pathsBetween(c.get("db"), range, SITEMAP_LIMIT, (part - 1) * SITEMAP_LIMIT);
    if (!rows.length && part > 1) return c.notFound();
    const base = c.get("config").siteUrl;
    return c.body(
      urlsetXml(rows.map((r) => ({ loc: `${base}${r.path}`, lastmod: new Date(r.updatedAt).toISOString() }))),
      200,
      XML,
    );
  },
});
