/**
 * @module routes
 * The URL table: every URL pattern the site answers, in match order, with the
 * builder that writes such URLs (src/urls.ts) and the handler that answers
 * them. src/app.ts mounts exactly these rows; the first that matches answers.
 * docs/architecture.md shows the same table.
 */
import type { Handler, MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
import type { AppEnv } from "../env";
import {
  categoriesHref,
  categoryHref,
  type FeedFormat,
  feedHref,
  homeHref,
  jekyllCategoryFeedHref,
  jekyllTagFeedHref,
  opmlHref,
  searchHref,
  searchPath,
  shareHref,
  sitemapHref,
  sitemapIndexHref,
  tagHref,
} from "../urls";
import { requireIngestToken } from "../http/auth";
import { apiFallback, deletePostFile, postHashes, postPosts, putPost } from "./api";
import { article } from "./articles";
import { feed } from "./feeds";
import { categories, categoryPage, home, tagPage } from "./lists";
import { favicon, health, robots, sitemapIndex, sitemapDay, stylesheet } from "./meta";
import { opml } from "./opml";
import { search } from "./search";
import { share } from "./share";

export type Method = "GET" | "PUT" | "POST" | "DELETE";

export interface UrlRow {
  /** Hono pattern. */
  pattern: string;
  /** Writes a URL this row answers, from a name (category, tag, code or month); null where src/content builds it. */
  href: ((name: string) => string) | null;
  handler: Handler<AppEnv>;
  /** Methods it answers (GET also answers HEAD). */
  methods: Method[];
  /** Middleware in front of the handler (the ingest API's token check). */
  before: MiddlewareHandler<AppEnv>[];
}

const row = (pattern: string, href: UrlRow["href"], handler: Handler<AppEnv>): UrlRow => ({
  pattern,
  href,
  handler,
  methods: ["GET"],
  before: [],
});
/** An ingest API row: its methods, behind the token. */
const api = (methods: Method[], pattern: string, handler: Handler<AppEnv>): UrlRow => ({
  pattern,
  href: null,
  handler,
  methods,
  before: [requireIngestToken()],
});
const fixed = (path: string) => () => path;
const termFeeds = (scope: "category" | "tag", kind: "c" | "t") =>
  (["atom", "rss", "json"] as FeedFormat[]).map((format) =>
    row(
      `/${scope}/:name{.+}/${format === "json" ? "feed.json" : `${format}.xml`}`,
      (name) => feedHref(kind, name, format),
      feed({ scope, format, jekyllPath: false }),
    ),
  );

export const URLS: UrlRow[] = [
  row("/healthz", fixed("/healthz"), health),
  row("/robots.txt", fixed("/robots.txt"), robots),
  row("/assets/site.css", fixed("/assets/site.css"), stylesheet),
  row("/favicon.svg", fixed("/favicon.svg"), favicon),
  // The ingest API (routes/api.ts); anything else under /api/ is a JSON 404 or 405.
  api(["PUT"], "/api/posts/:file", putPost),
  api(["DELETE"], "/api/posts/:file", deletePostFile),
  api(["POST"], "/api/posts", postPosts),
  api(["POST"], "/api/hashes", postHashes),
  api(["GET", "PUT", "POST", "DELETE"], "/api/*", apiFallback),
  row("/sitemap.xml", sitemapIndexHref, sitemapIndex),
  row("/sitemaps/:file", sitemapHref, sitemapDay),
  // Any case of the path: see routedPath.
  row("/html_News/NewsShare.html", shareHref, share),
  row("/feed.xml", () => feedHref(null, "", "atom"), feed({ scope: "site", format: "atom", jekyllPath: false })),
  row("/rss.xml", () => feedHref(null, "", "rss"), feed({ scope: "site", format: "rss", jekyllPath: false })),
  row("/feed.json", () => feedHref(null, "", "json"), feed({ scope: "site", format: "json", jekyllPath: false })),
  // by_tag first: the category pattern would also match it.
  row("/feed/by_tag/:name{.+\\.xml}", jekyllTagFeedHref, feed({ scope: "tag", format: "atom", jekyllPath: true })),
  row("/feed/:name{.+\\.xml}", jekyllCategoryFeedHref, feed({ scope: "category", format: "atom", jekyllPath: true })),
  ...termFeeds("category", "c"),
  ...termFeeds("tag", "t"),
  row("/search", (q) => searchHref(q), search),
  ...(["atom", "rss", "json"] as FeedFormat[]).map((format) =>
    row(searchPath(format), (q) => searchHref(q, null, format), feed({ scope: "search", format, jekyllPath: false })),
  ),
  row("/", homeHref, home),
  row("/categories.html", categoriesHref, categories),
  row("/feeds.opml", () => opmlHref(), opml),
  row("/category/:name{.+\\.html}", categoryHref, categoryPage),
  row("/tag/:name{.+\\.html}", tagHref, tagPage),
  // Posts at their permalinks (src/content/permalink.ts), their old spellings (301) and `/{category}/` back-links (301).
  row("*", null, article),
];

const SHARE_PATH = "/html_News/NewsShare.html";

/** The path routing sees: Hono's, with the share page's path in its table spelling whatever its case. */
export function routedPath(req: Request): string {
  const path = getPath(req);
  return path.length === SHARE_PATH.length && path.toLowerCase() === SHARE_PATH.toLowerCase() ? SHARE_PATH : path;
}
