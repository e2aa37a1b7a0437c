/**
 * @module routes/feeds
 * Site, category and tag feeds in Atom, RSS 2.0 and JSON Feed 1.1, at the
 * old site's jekyll-feed paths (`/feed.xml`, `/feed/{category}.xml`,
 * `/feed/by_tag/{tag}.xml`) and next to each list page
 * (`/category/{name}/atom.xml|rss.xml|feed.json`, same for `/tag/`).
 * Categories match like the category pages: case-insensitively, a single
 * category or a raw `categories:` string. `?limit=1..100` (default 20) and the
 * list pages' `?before=` cursor; anything else malformed is a 400, an unknown
 * name a 404. Rendering is src/feeds; HTTP caching is src/http.
 */
import type { Context } from "hono";
import { SITE_TAG, termTag } from "../db/changes";
import {
  type Cursor,
  latestFullInTerm,
  type PageVersion,
  sitePageVersion,
  type Term,
  type TermKind,
  termPageVersion,
} from "../db/repository";
import type { AppEnv } from "../env";
import { renderFeed } from "../feeds";
import { cachedRoute } from "../http/cached-route";
import { EDGE_NO_STORE, LIVE } from "../http/policies";
import { type FeedFormat, feedHref, jekyllCategoryFeedHref, jekyllTagFeedHref, termHref, withQuery } from "../urls";
import { cursorParam, parseCursor, termKey } from "./params";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type Scope = "site" | "category" | "tag";

export interface FeedSpec {
  scope: Scope;
  format: FeedFormat;
  /** jekyll-feed's `/feed/…` paths, whose name param ends in `.xml` */
  jekyllPath: boolean;
}

/** `?limit=`: undefined when absent, null when not an integer in 1..MAX_LIMIT. */
export function parseLimit(v: string | undefined): number | undefined | null {
  if (v === undefined) return undefined;
  if (!/^\d{1,3}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= MAX_LIMIT ? n : null;
}

interface FeedData {
  term: Term | null;
  /** `?limit=` as given (it stays in the feed's own links), else undefined */
  limit: number | undefined;
  before: Cursor | undefined;
  page: PageVersion;
}

const noStore = { "Cache-Control": "no-store" };

/** The feed's own path, without query: the spelling the request used. */
function basePath(spec: FeedSpec, term: Term | null): string {
  if (!term) return feedHref(null, "", spec.format);
  if (spec.jekyllPath) return spec.scope === "tag" ? jekyllTagFeedHref(term.name) : jekyllCategoryFeedHref(term.name);
  return feedHref(term.kind, term.name, spec.format);
}

async function load(c: Context<AppEnv>, spec: FeedSpec): Promise<FeedData | Response> {
  const limit = parseLimit(c.req.query("limit"));
  if (limit === null) return c.text(`Bad Request: limit must be an integer from 1 to ${MAX_LIMIT}\n`, 400, noStore);
  const before = parseCursor(c.req.query("before"));
  if (before === null) {
    return c.text("Bad Request: before must be <publishedAt>.<id>, as in the feed's next link\n", 400, noStore);
  }
  const q = { limit: limit ?? DEFAULT_LIMIT, before, now: c.get("now") };
  if (spec.scope === "site") return { term: null, limit, before, page: await sitePageVersion(c.get("db"), q) };

  const raw = c.req.param("name") ?? "";
  const name = spec.jekyllPath ? raw.replace(/\.xml$/, "") : raw;
  const kinds: TermKind[] = spec.scope === "tag" ? ["t"] : ["c", "r"];
  const { term, version: page } = name
    ? await termPageVersion(c.get("db"), kinds, termKey(name), q)
    : { term: null, version: null };
  // A name whose every post is hidden or scheduled is as unknown as one never used.
  if (!term || !page || (!page.count && !before)) {
    return c.text(`Not Found: no ${spec.scope} named "${name}"\n`, 404, {
      "Cache-Control": "public, max-age=60",
      ...EDGE_NO_STORE,
    });
  }
  return { term, limit, before, page };
}

async function render(spec: FeedSpec, { term, limit, before }: FeedData, c: Context<AppEnv>): Promise<Response> {
  const config = c.get("config");
  const n = limit ?? DEFAULT_LIMIT;
  const posts = await latestFullInTerm(c.get("db"), term ? term.kind : null, term ? term.key : "", {
    limit: n,
    before,
    now: c.get("now"),
  });
  const path = basePath(spec, term);
  const last = posts[posts.length - 1];
  const { body, contentType } = renderFeed(
    spec.format,
    config,
    {
      title: term ? term.label : config.title,
      description: term
        ? `${config.title}：${spec.scope === "tag" ? `标签 ${term.name}` : term.label}`
        : `${config.title}：最新消息`,
      homePath: term ? termHref(term.kind, term.name) : "/",
      selfPath: withQuery(path, [
        ["limit", limit],
        ["before", before ? cursorParam(before) : undefined],
      ]),
      idPath: path,
      feedPath: withQuery(path, [["limit", limit]]),
      nextPath:
        last && posts.length === n
          ? withQuery(path, [
              ["limit", limit],
              ["before", cursorParam({ publishedAt: last.publishedAt, id: last.id })],
            ])
          : null,
    },
    posts,
  );
  return c.body(body, 200, { "Content-Type": contentType });
}

export const feed = (spec: FeedSpec) =>
  cachedRoute<FeedData>({
    policy: LIVE,
    load: (c) => load(c, spec),
    version: ({ term, limit, page }) => ({
      version: `feed:${term ? `${term.kind}:${term.key}:${term.label}` : "-"}:${limit ?? DEFAULT_LIMIT}:${page.items}:${page.lastModified}`,
      lastModified: page.lastModified,
    }),
    tags: ({ term }) => [term ? termTag(term.kind, term.key) : SITE_TAG],
    render: (data, c) => render(spec, data, c),
  });
