/**
 * @module routes/opml
 * `/feeds.opml`: every visible category's feed in one OPML file, after the
 * site's own feed, in the format `?format=atom|rss|json` asks for (RSS by
 * default, what most readers import best).
 */
import { SITE_TAG } from "../db/changes";
import { listTerms } from "../db/repository";
import { cachedRoute } from "../http/cached-route";
import { errorPage } from "../http/errors";
import { LIVE } from "../http/policies";
import { categoriesHref, type FeedFormat, feedHref, homeHref, termHref } from "../urls";
import { opmlXml } from "../views/opml";

const FORMATS = new Set<string>(["atom", "rss", "json"]);

export const opml = cachedRoute<{ format: FeedFormat }>({
  policy: LIVE,
  async load(c) {
    const format = c.req.query("format") ?? "rss";
    if (!FORMATS.has(format)) return errorPage(c, 400);
    return { format: format as FeedFormat };
  },
  version: () => null,
  tags: () => [SITE_TAG],
  async render({ format }, c) {
    const cfg = c.get("config");
    const base = cfg.siteUrl;
    const categories = await listTerms(c.get("db"), "c", c.get("now"));
    const feeds = [
      { title: cfg.title, xmlUrl: `${base}${feedHref(null, "", format)}`, htmlUrl: `${base}${homeHref()}` },
      ...categories.map((t) => ({
        title: t.label,
        description: t.label !== t.name ? t.name : undefined,
        xmlUrl: `${base}${feedHref(t.kind, t.name, format)}`,
        htmlUrl: `${base}${termHref(t.kind, t.name)}`,
      })),
    ];
    return c.body(opmlXml(`${cfg.title}：全部来源`, cfg.author, `${base}${categoriesHref()}`, feeds), 200, {
      "Content-Type": "text/x-opml; charset=utf-8",
    });
  },
});
