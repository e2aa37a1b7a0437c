/**
 * @module routes/feeds
 * Site, category and tag feeds in Atom, RSS 2.0 and JSON Feed 1.1, at the
 * old site's jekyll-feed paths (`/feed.xml`, `/feed/{category}.xml`,
 * `/feed/by_tag/{tag}.xml`) and next to each list page
 * (`/category/{name}/atom.xml|rss.xml|feed.json`, same for `/tag/`).
 * Categories match like the category pages: case-insensitively, a single
 * category or a raw `categories:` string. `?limit=1..100` (default 20) and the
 * list pages' `?before=` cursor; anything else malformed is a 400, an unknown
 * name a 404. Rendering is src/feeds; HTTP caching is src/http/cache.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { findTerm, latestFullInTerm, type Term, type TermKind, validator } from "../db/repository";
import { renderFeed } from "../feeds";
import { cached, LIVE, type Validate } from "../http/cache";
import { categoryHref, type FeedFormat, feedHref, tagHref } from "../views/links";
import { cursorParam, parseCursor, termKey } from "./params";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type Scope = "site" | "category" | "tag";

interface FeedSpec {
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

function nameOf(c: Context<AppEnv>, spec: FeedSpec): string | null {
  if (spec.scope === "site") return "";
  const raw = c.req.param("name") ?? "";
  const name = spec.jekyllPath ? raw.replace(/\.xml$/, "") : raw;
  return name ? name : null;
}

/**
 * The term kind the cheap validator should read. A raw `categories:` string
 * always holds whitespace and a single category (almost) never does; a wrong
 * guess only costs the 304 shortcut, since the validator then finds no rows.
 */
function validatorKind(scope: Scope, key: string): TermKind | null {
  if (scope === "site") return null;
  if (scope === "tag") return "t";
  return /\s/.test(key) ? "r" : "c";
}

const seg = (name: string) => encodeURIComponent(name);

function basePath(spec: FeedSpec, term: Term | null): string {
  if (!term) return feedHref(null, "", spec.format);
  if (spec.jekyllPath) return spec.scope === "tag" ? `/feed/by_tag/${seg(term.name)}.xml` : `/feed/${seg(term.name)}.xml`;
  return feedHref(term.kind, term.name, spec.format);
}

function withQuery(path: string, params: [string, string | number | undefined][]): string {
  const q = params.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return q.length ? `${path}?${q.join("&")}` : path;
}

function validate(spec: FeedSpec): Validate {
  return async (c) => {
    const name = nameOf(c, spec);
    const limit = parseLimit(c.req.query("limit"));
    // Malformed input and older pages are left to the handler (400 / body-hash ETag).
    if (name === null || limit === null || c.req.query("before") !== undefined) return null;
    const key = termKey(name);
    const kind = validatorKind(spec.scope, key);
    const n = limit ?? DEFAULT_LIMIT;
    const v = await validator(c.get("db"), kind, key, n, c.get("now"));
    if (!v.count) return null;
    return { version: `feed:${kind ?? "-"}:${key}:${n}:${v.count}:${v.newest}:${v.lastModified}`, lastModified: v.lastModified };
  };
}

function handler(spec: FeedSpec) {
  return async (c: Context<AppEnv>) => {
    const config = c.get("config");
    const db = c.get("db");
    const limitParam = c.req.query("limit");
    const limit = parseLimit(limitParam);
    if (limit === null) {
      return c.text(`Bad Request: limit must be an integer from 1 to ${MAX_LIMIT}\n`, 400, { "Cache-Control": "no-store" });
    }
    const beforeParam = c.req.query("before");
    const before = parseCursor(beforeParam);
    if (before === null) {
      return c.text("Bad Request: before must be <publishedAt>.<id>, as in the feed's next link\n", 400, {
        "Cache-Control": "no-store",
      });
    }
    const name = nameOf(c, spec);
    const notFound = () =>
      c.text(`Not Found: no ${spec.scope} named "${name}"\n`, 404, { "Cache-Control": "public, max-age=60" });
    if (name === null) return notFound();

    let term: Term | null = null;
    if (spec.scope !== "site") {
      term = await findTerm(db, spec.scope === "tag" ? ["t"] : ["c", "r"], termKey(name));
      if (!term) return notFound();
      // The validator read another kind than the one served: let the ETag come from the body instead.
      if (validatorKind(spec.scope, term.key) !== term.kind) c.set("validation", undefined);
    }
    const n = limit ?? DEFAULT_LIMIT;
    const posts = await latestFullInTerm(db, term ? term.kind : null, term ? term.key : "", {
      limit: n,
      before,
      now: c.get("now"),
    });
    // A name whose every post is hidden or scheduled is as unknown as one never used.
    if (term && !posts.length && !before) return notFound();

    const path = basePath(spec, term);
    const last = posts[posts.length - 1];
    const title = term ? term.label : config.title;
    const { body, contentType } = renderFeed(
      spec.format,
      config,
      {
        title,
        description: term
          ? `${config.title}：${spec.scope === "tag" ? `标签 ${term.name}` : term.label}`
          : `${config.title}：最新消息`,
        homePath: term ? (term.kind === "t" ? tagHref(term.name) : categoryHref(term.name)) : "/",
        selfPath: withQuery(path, [
          ["limit", limitParam === undefined ? undefined : n],
          ["before", before ? cursorParam(before) : undefined],
        ]),
        idPath: path,
        feedPath: withQuery(path, [["limit", limitParam === undefined ? undefined : n]]),
        nextPath:
          last && posts.length === n
            ? withQuery(path, [
                ["limit", limitParam === undefined ? undefined : n],
                ["before", cursorParam({ publishedAt: last.publishedAt, id: last.id })],
              ])
            : null,
      },
      posts,
    );
    return c.body(body, 200, { "Content-Type": contentType });
  };
}

function route(path: string, spec: FeedSpec): void {
  feeds.get(path, cached(LIVE, validate(spec)), handler(spec));
}

export const feeds = new Hono<AppEnv>();

route("/feed.xml", { scope: "site", format: "atom", jekyllPath: false });
route("/rss.xml", { scope: "site", format: "rss", jekyllPath: false });
route("/feed.json", { scope: "site", format: "json", jekyllPath: false });
// by_tag first: the category pattern would also match it.
route("/feed/by_tag/:name{.+\\.xml}", { scope: "tag", format: "atom", jekyllPath: true });
route("/feed/:name{.+\\.xml}", { scope: "category", format: "atom", jekyllPath: true });
for (const scope of ["category", "tag"] as const) {
  route(`/${scope}/:name{.+}/atom.xml`, { scope, format: "atom", jekyllPath: false });
  route(`/${scope}/:name{.+}/rss.xml`, { scope, format: "rss", jekyllPath: false });
  route(`/${scope}/:name{.+}/feed.json`, { scope, format: "json", jekyllPath: false });
}
