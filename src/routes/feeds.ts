/**
 * @module routes/feeds
 * Site, category, tag and search feeds in Atom, RSS 2.0 and JSON Feed 1.1, at the
 * old site's jekyll-feed paths (`/feed.xml`, `/feed/{category}.xml`,
 * `/feed/by_tag/{tag}.xml`) and next to each list page
 * (`/category/{name}/atom.xml|rss.xml|feed.json`, same for `/tag/`), and
 * for any search (`/search/atom.xml?q=…[&category=…]`, routes/search).
 * Categories match like the category pages: case-insensitively, a single
 * category or a raw `categories:` string.
 *
 * A feed holds every item of the last FEED_WINDOW_HOURS (at least
 * FEED_MIN_ITEMS, at most FEED_MAX_ITEMS), so a reader polling hourly or
 * daily misses nothing; `?limit=N` asks for exactly the newest N, and the
 * RFC 5005 `next` link (`?before=` cursor) the window before that. Anything
 * malformed is a 400, an unknown name a 404. Rendering is src/feeds; HTTP
 * caching is src/http.
 */
import type { Context } from "hono";
import { FEED_MIN_ITEMS, type SiteConfig } from "../config";
import { SITE_TAG, termTag } from "../db/changes";
import {
  type Cursor,
  feedRows,
  type PageVersion,
  type PageWindow,
  sitePageVersion,
  type Term,
  type TermKind,
  searchFeedRows,
  searchPageVersion,
  termPageVersion,
} from "../db/repository";
import { saveFeedEntries } from "../db/entries";
import type { AppEnv } from "../env";
import { type FeedDocument, renderFeed } from "../feeds";
import { cachedRoute } from "../http/cached-route";
import { archiveBindings, configFor } from "../http/context";
import { EDGE_NO_STORE, LIVE } from "../http/policies";
import {
  type FeedFormat,
  feedHref,
  jekyllCategoryFeedHref,
  jekyllTagFeedHref,
  searchHref,
  searchPath,
  termHref,
  withQuery,
} from "../urls";
import { cursorParam, NOINDEX, parseCursor, type SearchRequest, searchRequest, termKey } from "./params";

type Scope = "site" | "category" | "tag" | "search";

export interface FeedSpec {
  scope: Scope;
  format: FeedFormat;
  /** jekyll-feed's `/feed/…` paths, whose name param ends in `.xml` */
  jekyllPath: boolean;
}

/** `?limit=`: undefined when absent, null when not an integer in 1..max. */
export function parseLimit(v: string | undefined, max: number): number | undefined | null {
  if (v === undefined) return undefined;
  if (!/^\d{1,5}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= max ? n : null;
}

/** The items a page holds: `?limit` exactly, else the time window before the cursor (or now). */
export function feedWindow(config: SiteConfig, limit: number | undefined, before: Cursor | undefined, now: number): PageWindow {
  if (limit !== undefined) return { min: limit, max: limit, before, now };
  const end = before ? before.publishedAt : now;
  return { min: FEED_MIN_ITEMS, max: config.feedMaxItems, since: end - config.feedWindowHours * 3_600_000, before, now };
}

interface FeedData {
  term: Term | null;
  /** A search's feed (`/search/atom.xml?q=…`): the query and category it keeps in its links. */
  search: SearchRequest | null;
  /** `?limit=` as given (it stays in the feed's own links), else undefined */
  limit: number | undefined;
  before: Cursor | undefined;
  page: PageVersion;
}

const noStore = { "Cache-Control": "no-store" };

/** The feed's own path, without query: the spelling the request used. */
function basePath(spec: FeedSpec, term: Term | null): string {
  if (spec.scope === "search") return searchPath(spec.format);
  if (!term) return feedHref(null, "", spec.format);
  if (spec.jekyllPath) return spec.scope === "tag" ? jekyllTagFeedHref(term.name) : jekyllCategoryFeedHref(term.name);
  return feedHref(term.kind, term.name, spec.format);
}

async function load(c: Context<AppEnv>, spec: FeedSpec): Promise<FeedData | Response> {
  const config = c.get("config");
  const limit = parseLimit(c.req.query("limit"), config.feedMaxItems);
  if (limit === null) return c.text(`Bad Request: limit must be an integer from 1 to ${config.feedMaxItems}\n`, 400, noStore);
  const before = parseCursor(c.req.query("before"));
  if (before === null) {
    return c.text("Bad Request: before must be <publishedAt>.<id>, as in the feed's next link\n", 400, noStore);
  }
  const window = feedWindow(config, limit, before, c.get("now"));
  if (spec.scope === "site") return { term: null, search: null, limit, before, page: await sitePageVersion(c.get("db"), window) };
  if (spec.scope === "search") {
    const s = await searchRequest(c);
    if (s.status === 400) return c.text(`Bad Request: ${s.problem.reason}\n`, 400, { ...noStore, ...NOINDEX });
    if (s.status === 404) return c.text(`Not Found: ${s.reason}\n`, 404, { ...noStore, ...NOINDEX });
    return { term: null, search: s, limit, before, page: await searchPageVersion(c.get("db"), s.spec, window) };
  }

  const raw = c.req.param("name") ?? "";
  const name = spec.jekyllPath ? raw.replace(/\.xml$/, "") : raw;
  const kinds: TermKind[] = spec.scope === "tag" ? ["t"] : ["c", "r"];
  const { term, version: page } = name
    ? await termPageVersion(c.get("db"), kinds, termKey(name), window)
    : { term: null, version: null };
  // A name whose every post is hidden or scheduled is as unknown as one never used.
  if (!term || !page || (!page.count && !before)) {
    return c.text(`Not Found: no ${spec.scope} named "${name}"\n`, 404, {
      "Cache-Control": "public, max-age=60",
      ...EDGE_NO_STORE,
    });
  }
  return { term, search: null, limit, before, page };
}

/**
 * Entries a request renders in all three formats and stores, at most: about 0.12 ms each, so a
 * quiet feed's first rendering stays a few milliseconds; a feed with more missing entries
 * renders the rest in its own format only, and stores more next time.
 */
const STORE_MAX = 50;

/**
 * Keeps the entries rendered for this request, in the background: the next rendering of any
 * format joins them. Not for a local origin's links (`wrangler dev`): those suit that origin only.
 */
function storeRendered(
  c: Context<AppEnv>,
  rows: { id: number; updatedAt: number; publishedAt: number }[],
  rendered: FeedDocument["rendered"],
) {
  const config = configFor(c.env);
  if (c.get("config") !== config) return;
  const list = rendered.map(({ index, fragments }) => {
    const row = rows[index] as { id: number; updatedAt: number; publishedAt: number };
    return { id: row.id, updatedAt: row.updatedAt, publishedAt: row.publishedAt, fragments };
  });
  c.executionCtx.waitUntil(
    saveFeedEntries(archiveBindings(c.env), list).catch((err) =>
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "feed entries rendered now were not stored; the next rendering renders them again",
          requestId: c.get("requestId"),
          error: err instanceof Error ? err.message : String(err),
        }),
      ),
    ),
  );
}

/** What a feed's document says of itself: a search's query, a term's name, or the site's. */
function describe(spec: FeedSpec, config: SiteConfig, term: Term | null, search: SearchRequest | null) {
  if (search) {
    const within = search.category ? `${search.category.label}：` : "";
    return {
      title: `搜索：${within}${search.q}`,
      description: `${config.title}：${within}含“${search.q}”的文章`,
      homePath: searchHref(search.q, search.category?.name),
    };
  }
  if (term) {
    return {
      title: term.label,
      description: `${config.title}：${spec.scope === "tag" ? `标签 ${term.name}` : term.label}`,
      homePath: termHref(term.kind, term.name),
    };
  }
  return { title: config.title, description: `${config.title}：最新消息`, homePath: "/" };
}

async function render(spec: FeedSpec, { term, search, limit, before, page }: FeedData, c: Context<AppEnv>): Promise<Response> {
  const config = c.get("config");
  const n = page.count;
  const fullUntil = config.feedFullItems ? (page.cursors[Math.min(config.feedFullItems, n) - 1] ?? null) : null;
  const q = { limit: n, before, now: c.get("now") };
  const db = c.get("db");
  const rows = !n
    ? []
    : search
      ? await searchFeedRows(db, spec.format, search.spec, q, fullUntil)
      : await feedRows(db, spec.format, term, q, fullUntil);
  const path = basePath(spec, term);
  // A search feed's links keep its query.
  const asked: [string, string | undefined][] = search
    ? [
        ["q", search.q],
        ["category", search.category?.name],
      ]
    : [];
  const after = (i: number) => {
    const row = rows[i] as (typeof rows)[number];
    // A search's cursor carries the search key (db/search-writes), not the post's id.
    const id = "searchKey" in row ? (row.searchKey as number) : row.id;
    return withQuery(path, [...asked, ["limit", limit], ["before", cursorParam({ publishedAt: row.publishedAt, id })]]);
  };
  const selfPath = withQuery(path, [...asked, ["limit", limit], ["before", before ? cursorParam(before) : undefined]]);
  const { body, contentType, rendered } = renderFeed(
    spec.format,
    config,
    {
      ...describe(spec, config, term, search),
      selfPath,
      idPath: withQuery(path, asked),
      feedPath: withQuery(path, [...asked, ["limit", limit]]),
      // A full page has older items after it.
      nextPath: rows.length && rows.length === n ? after(rows.length - 1) : null,
    },
    rows,
    // The hub is told of list feeds only (jobs/websub): a search feed does not advertise it.
    { fullItems: config.feedFullItems, hubUrl: search ? null : config.websubHub, nextPathAfter: after, storeMax: STORE_MAX },
  );
  if (rendered.length) storeRendered(c, rows, rendered);
  const headers: Record<string, string> = { "Content-Type": contentType, ...(search ? NOINDEX : {}) };
  // WebSub discovery (W3C WebSub 4): the hub and the topic, as in the document.
  if (config.websubHub && !search) headers.Link = `<${config.websubHub}>; rel="hub", <${config.siteUrl}${selfPath}>; rel="self"`;
  return c.body(body, 200, headers);
}

export const feed = (spec: FeedSpec) =>
  cachedRoute<FeedData>({
    policy: LIVE,
    load: (c) => load(c, spec),
    version: ({ term, search, limit, page }) => ({
      version: `feed:${term ? `${term.kind}:${term.key}:${term.label}` : search ? `search:${search.q}:${search.category?.key ?? ""}` : "-"}:${limit ?? "window"}:${page.items}:${page.lastModified}`,
      lastModified: page.lastModified,
    }),
    tags: ({ term }) => [term ? termTag(term.kind, term.key) : SITE_TAG],
    render: (data, c) => render(spec, data, c),
  });
