/**
 * @module routes/search
 * `/search?q=…[&category=…]`: the posts that hold the query, newest first,
 * keyset pagination (`?before=<publishedAt>.<search key>`), with the search's feeds
 * (routes/feeds, scope "search") advertised. Without `q` it is the empty
 * box; a query the index cannot answer is a 400 page saying why, a category
 * with no visible post a 404. Every search reads the index (db/repository
 * searchPosts) over every archive database, newest first.
 */
import { SITE_TAG } from "../db/changes";
import { type Cursor, type PageVersion, searchPageVersion, searchPosts, withCategoryNames } from "../db/repository";
import { cachedRoute } from "../http/cached-route";
import { errorPage } from "../http/errors";
import { LIVE } from "../http/policies";
import { FEED_NAMES, FEED_TYPES, type FeedFormat, searchHref, searchPath, withQuery } from "../urls";
import { renderSearch } from "../views/search";
import { cursorParam, NOINDEX, parseCursor, type SearchRequest, searchRequest } from "./params";

export const SEARCH_PAGE_SIZE = 20;

interface SearchData {
  search: SearchRequest | null;
  before: Cursor | undefined;
  page: PageVersion | null;
}

function feedLinks(s: SearchRequest) {
  const label = s.category ? `${s.category.label}：${s.q}` : s.q;
  return (["atom", "rss", "json"] as FeedFormat[]).map((f) => ({
    type: FEED_TYPES[f],
    href: searchHref(s.q, s.category?.name, f),
    title: `搜索“${label}”${FEED_NAMES[f]}`,
  }));
}

export const search = cachedRoute<SearchData>({
  policy: LIVE,
  async load(c) {
    const before = parseCursor(c.req.query("before"));
    if (before === null) return errorPage(c, 400, { headers: NOINDEX });
    if (c.req.query("q") === undefined && !c.req.query("category")) return { search: null, before, page: null };
    const s = await searchRequest(c);
    if (s.status === 404) return errorPage(c, 404, { headers: NOINDEX });
    if (s.status === 400) {
      const html = renderSearch({
        config: c.get("config"),
        q: (c.req.query("q") ?? "").slice(0, 400),
        category: null,
        posts: [],
        olderHref: null,
        newestHref: null,
        feeds: [],
        problem: s.problem,
      });
      return c.html(html, 400, { "Cache-Control": "no-store", ...NOINDEX });
    }
    const n = SEARCH_PAGE_SIZE + 1;
    const page = await searchPageVersion(c.get("db"), s.spec, { min: n, max: n, before, now: c.get("now") });
    return { search: s, before, page };
  },
  version: ({ search: s, page }) =>
    s && page
      ? { version: `search:${s.q}:${s.category?.key ?? ""}:${page.items}:${page.lastModified}`, lastModified: page.lastModified }
      : { version: "search:" },
  tags: () => [SITE_TAG],
  async render({ search: s, before }, c) {
    for (const [k, v] of Object.entries(NOINDEX)) c.header(k, v);
    const config = c.get("config");
    if (!s)
      return c.html(renderSearch({ config, q: "", category: null, posts: [], olderHref: null, newestHref: null, feeds: [] }));
    const db = c.get("db");
    const rows = await withCategoryNames(
      db,
      await searchPosts(db, s.spec, { limit: SEARCH_PAGE_SIZE + 1, before, now: c.get("now") }),
    );
    const posts = rows.slice(0, SEARCH_PAGE_SIZE);
    const last = posts[posts.length - 1];
    const base = searchHref(s.q, s.category?.name);
    return c.html(
      renderSearch({
        config,
        q: s.q,
        category: s.category,
        posts,
        olderHref:
          rows.length > SEARCH_PAGE_SIZE && last
            ? withQuery(searchPath(), [
                ["q", s.q],
                ["category", s.category?.name],
                // A search's cursor carries the search key (db/search-writes), not the post's id.
                ["before", cursorParam({ publishedAt: last.publishedAt, id: last.searchKey })],
              ])
            : null,
        newestHref: before ? base : null,
        feeds: feedLinks(s),
      }),
    );
  },
});
