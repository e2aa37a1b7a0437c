/**
 * @module routes/lists
 * Home, category, tag and all-categories pages: newest first, keyset pagination.
 * `/category/{name}.html` matches a category or a raw `categories:` string, case-insensitively.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { findTerm, latestInTerm, latestPosts, listTerms, type PostSummary, type TermKind, validator } from "../db/repository";
import { cached, LIVE, type Validate } from "../http/cache";
import { renderError } from "../views/errors";
import { FEED_TYPES, type FeedFormat, feedHref } from "../views/links";
import { renderList, renderTermIndex } from "../views/list";
import { cursorParam, parseCursor, termKey } from "./params";

export const PAGE_SIZE = 30;

export const lists = new Hono<AppEnv>();

function feedLinks(kind: "c" | "r" | "t" | null, name: string, label: string) {
  return (["atom", "rss", "json"] as FeedFormat[]).map((f) => ({
    type: FEED_TYPES[f],
    href: feedHref(kind, name, f),
    title: `${label} ${f === "json" ? "JSON Feed" : f === "rss" ? "RSS" : "Atom"}`,
  }));
}

function termSpec(c: Context<AppEnv>): { kinds: TermKind[]; key: string } | null {
  const raw = c.req.param("name");
  if (!raw?.endsWith(".html")) return null;
  const key = termKey(raw.slice(0, -5));
  const isTag = c.req.path.startsWith("/tag/");
  return { kinds: isTag ? ["t"] : ["c", "r"], key };
}

/** 304 check for list pages: the first page's items (ids, times, updates) plus the cursor. */
const listValidate: Validate = async (c) => {
  const spec = c.req.path === "/" ? { kinds: [null], key: "" } : termSpec(c);
  if (!spec) return null;
  const before = c.req.query("before") ?? "";
  if (before) return null;
  const v = await validator(c.get("db"), spec.kinds[0] as TermKind | null, spec.key, PAGE_SIZE, c.get("now"));
  if (!v.count) return null;
  return { version: `${spec.kinds.join("")}:${spec.key}:${v.newest}:${v.lastModified}`, lastModified: v.lastModified };
};

function pageLinks(posts: PostSummary[], basePath: string, hasBefore: boolean) {
  const last = posts[posts.length - 1];
  return {
    olderHref:
      posts.length === PAGE_SIZE && last
        ? `${basePath}?before=${cursorParam({ publishedAt: last.publishedAt, id: last.id })}`
        : null,
    newestHref: hasBefore ? basePath : null,
  };
}

lists.get("/", cached(LIVE, listValidate), async (c) => {
  const cfg = c.get("config");
  const before = parseCursor(c.req.query("before"));
  if (before === null) return c.html(renderError(cfg, 400, c.get("requestId")), 400);
  const posts = await latestPosts(c.get("db"), { limit: PAGE_SIZE, before, now: c.get("now") });
  return c.html(
    renderList({
      config: cfg,
      title: cfg.title,
      heading: before ? "更早的消息" : "最新消息",
      canonicalPath: "/",
      posts,
      ...pageLinks(posts, "/", Boolean(before)),
      feeds: feedLinks(null, "", cfg.title),
    }),
  );
});

lists.get("/categories.html", cached(LIVE), async (c) => {
  return c.html(renderTermIndex(c.get("config"), await listTerms(c.get("db"), "c")));
});

const termPage = async (c: Context<AppEnv>) => {
  const cfg = c.get("config");
  const spec = termSpec(c);
  if (!spec) return c.notFound();
  const before = parseCursor(c.req.query("before"));
  if (before === null) return c.html(renderError(cfg, 400, c.get("requestId")), 400);
  const term = await findTerm(c.get("db"), spec.kinds, spec.key);
  if (!term) return c.notFound();
  const posts = await latestInTerm(c.get("db"), term.kind, term.key, { limit: PAGE_SIZE, before, now: c.get("now") });
  if (!posts.length && !before) return c.notFound();
  const isTag = term.kind === "t";
  const basePath = `/${isTag ? "tag" : "category"}/${encodeURIComponent(term.name)}.html`;
  return c.html(
    renderList({
      config: cfg,
      title: term.label,
      heading: isTag ? `#${term.label}` : term.label,
      intro: isTag ? `标签：${term.name}` : term.label !== term.name ? `来源：${term.name}` : undefined,
      canonicalPath: basePath,
      posts,
      ...pageLinks(posts, basePath, Boolean(before)),
      feeds: feedLinks(term.kind, term.name, term.label),
    }),
  );
};

lists.get("/category/:name{.+\\.html}", cached(LIVE, listValidate), termPage);
lists.get("/tag/:name{.+\\.html}", cached(LIVE, listValidate), termPage);
