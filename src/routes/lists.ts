/**
 * @module routes/lists
 * Home, category and tag pages: newest first, keyset pagination
 * (`?before=<publishedAt>.<id>`); and the index of every source.
 * `/category/{name}.html` matches a category or a raw `categories:` string,
 * case-insensitively. Each page's validator is one small query over the ids
 * and times of its items (one more than a page: it decides the "older" link).
 */
import type { Context } from "hono";
import { SITE_TAG, termTag } from "../db/changes";
import {
  type Cursor,
  latestInTerm,
  latestPosts,
  listTerms,
  type PageVersion,
  type PostSummary,
  sitePageVersion,
  type Term,
  type TermKind,
  termPageVersion,
  withCategoryNames,
} from "../db/repository";
import type { AppEnv } from "../env";
import { cachedRoute } from "../http/cached-route";
import { errorPage } from "../http/errors";
import { LIVE } from "../http/policies";
import { FEED_NAMES, FEED_TYPES, type FeedFormat, feedHref, homeHref, termHref, withQuery } from "../urls";
import { renderList, renderTermIndex } from "../views/list";
import { cursorParam, parseCursor, termKey } from "./params";

export const PAGE_SIZE = 30;

function feedLinks(kind: TermKind | null, name: string, label: string) {
  return (["atom", "rss", "json"] as FeedFormat[]).map((f) => ({
    type: FEED_TYPES[f],
    href: feedHref(kind, name, f),
    title: `${label} ${FEED_NAMES[f]}`,
  }));
}

/** One extra row tells whether an older page exists, so the last page never links to an empty one. */
function paginate(rows: PostSummary[], basePath: string, before: Cursor | undefined) {
  const posts = rows.slice(0, PAGE_SIZE);
  const last = posts[posts.length - 1];
  return {
    posts,
    olderHref:
      rows.length > PAGE_SIZE && last
        ? withQuery(basePath, [["before", cursorParam({ publishedAt: last.publishedAt, id: last.id })]])
        : null,
    newestHref: before ? basePath : null,
  };
}

/** `?before=`: a malformed cursor is a 400 page. */
function pageQuery(c: Context<AppEnv>): { before: Cursor | undefined } | Response {
  const before = parseCursor(c.req.query("before"));
  return before === null ? errorPage(c, 400) : { before };
}

interface HomeData {
  before: Cursor | undefined;
  page: PageVersion;
}

export const home = cachedRoute<HomeData>({
  policy: LIVE,
  async load(c) {
    const q = pageQuery(c);
    if (q instanceof Response) return q;
    const page = await sitePageVersion(c.get("db"), {
      min: PAGE_SIZE + 1,
      max: PAGE_SIZE + 1,
      before: q.before,
      now: c.get("now"),
    });
    return { before: q.before, page };
  },
  version: ({ page }) => ({ version: `home:${page.items}:${page.lastModified}`, lastModified: page.lastModified }),
  tags: () => [SITE_TAG],
  async render({ before }, c) {
    const cfg = c.get("config");
    const db = c.get("db");
    const rows = await withCategoryNames(db, await latestPosts(db, { limit: PAGE_SIZE + 1, before, now: c.get("now") }));
    return c.html(
      renderList({
        config: cfg,
        title: cfg.title,
        heading: before ? "更早的消息" : "最新消息",
        canonicalPath: homeHref(),
        ...paginate(rows, homeHref(), before),
        feeds: feedLinks(null, "", cfg.title),
        showSources: true,
        search: { category: null },
      }),
    );
  },
});

export const categories = cachedRoute<null>({
  policy: LIVE,
  load: async () => null,
  version: () => null,
  tags: () => [SITE_TAG],
  async render(_, c) {
    const db = c.get("db");
    const now = c.get("now");
    const [cats, combined] = await Promise.all([listTerms(db, "c", now), listTerms(db, "r", now)]);
    return c.html(renderTermIndex(c.get("config"), cats, combined));
  },
});

interface TermData {
  term: Term;
  before: Cursor | undefined;
  page: PageVersion;
}

/** `/category/{name}.html` (a category, else a raw categories string) or `/tag/{name}.html`. */
const termPage = (kinds: TermKind[]) =>
  cachedRoute<TermData>({
    policy: LIVE,
    async load(c) {
      const q = pageQuery(c);
      if (q instanceof Response) return q;
      const raw = c.req.param("name") ?? "";
      const { term, version: page } = await termPageVersion(c.get("db"), kinds, termKey(raw.replace(/\.html$/, "")), {
        min: PAGE_SIZE + 1,
        max: PAGE_SIZE + 1,
        before: q.before,
        now: c.get("now"),
      });
      // A term whose posts are all hidden does not exist yet.
      if (!term || (!page.count && !q.before)) return c.notFound();
      return { term, before: q.before, page };
    },
    version: ({ term, page }) => ({
      version: `${term.kind}:${term.key}:${term.label}:${page.items}:${page.lastModified}`,
      lastModified: page.lastModified,
    }),
    tags: ({ term }) => [termTag(term.kind, term.key)],
    async render({ term, before }, c) {
      const db = c.get("db");
      const rows = await withCategoryNames(
        db,
        await latestInTerm(db, term.kind, term.key, { limit: PAGE_SIZE + 1, before, now: c.get("now") }),
      );
      const isTag = term.kind === "t";
      const basePath = termHref(term.kind, term.name);
      return c.html(
        renderList({
          config: c.get("config"),
          title: isTag ? `#${term.label}` : term.label,
          heading: isTag ? `#${term.label}` : term.label,
          intro: isTag ? "标签" : term.label !== term.name ? `来源代码：${term.name}` : undefined,
          canonicalPath: basePath,
          ...paginate(rows, basePath, before),
          feeds: feedLinks(term.kind, term.name, term.label),
          // On a category's page the box searches within it; a tag's searches everything.
          search: { category: isTag ? null : { name: term.name, label: term.label } },
        }),
      );
    },
  });

export const categoryPage = termPage(["c", "r"]);
export const tagPage = termPage(["t"]);
