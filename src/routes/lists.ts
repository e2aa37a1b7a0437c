/**
 * @module routes/lists
 * Home, category, tag and all-sources pages: newest first, keyset pagination
 * (`?before=<publishedAt>.<id>`). `/category/{name}.html` matches a category
 * or a raw `categories:` string, case-insensitively.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import {
  findTerm,
  latestInTerm,
  latestPosts,
  listTerms,
  type PostSummary,
  type Term,
  type TermKind,
  validator,
} from "../db/repository";
import { cached, LIVE, type Validate } from "../http/cache";
import { errorPage } from "../http/errors";
import { FEED_TYPES, type FeedFormat, feedHref } from "../views/links";
import { renderList, renderTermIndex } from "../views/list";
import { cursorParam, parseCursor, termKey } from "./params";

export const PAGE_SIZE = 30;

export const lists = new Hono<AppEnv>();

function feedLinks(kind: TermKind | null, name: string, label: string) {
  return (["atom", "rss", "json"] as FeedFormat[]).map((f) => ({
    type: FEED_TYPES[f],
    href: feedHref(kind, name, f),
    title: `${label} ${f === "json" ? "JSON Feed" : f === "rss" ? "RSS" : "Atom"}`,
  }));
}

const termMemo = new WeakMap<Request, Term | null>();

/** The category/raw string (or tag) the URL names; looked up once per request. */
async function resolveTerm(c: Context<AppEnv>): Promise<Term | null> {
  if (termMemo.has(c.req.raw)) return termMemo.get(c.req.raw) ?? null;
  const raw = c.req.param("name") ?? "";
  const kinds: TermKind[] = c.req.path.startsWith("/tag/") ? ["t"] : ["c", "r"];
  const term = raw.endsWith(".html") ? await findTerm(c.get("db"), kinds, termKey(raw.slice(0, -5))) : null;
  termMemo.set(c.req.raw, term);
  return term;
}

/**
 * The category or raw categories string called `name` (any case), only while
 * it has a visible post: redirects and 404 hints never lead to an empty page.
 */
export async function liveCategory(c: Context<AppEnv>, name: string): Promise<Term | null> {
  const db = c.get("db");
  const term = await findTerm(db, ["c", "r"], termKey(name));
  if (!term) return null;
  const [post] = await latestInTerm(db, term.kind, term.key, { limit: 1, now: c.get("now") });
  return post ? term : null;
}

/**
 * 304 check for first pages: ids, times and updates of the first PAGE_SIZE + 1
 * visible items (the extra one decides the "older" link), plus the term's label.
 * Older pages are rare enough to be hashed after rendering.
 */
const listValidate =
  (scope: "home" | "term"): Validate =>
  async (c) => {
    if (c.req.query("before")) return null;
    let term: Term | null = null;
    if (scope === "term") {
      term = await resolveTerm(c);
      if (!term) return null;
    }
    const v = await validator(c.get("db"), term?.kind ?? null, term?.key ?? "", PAGE_SIZE + 1, c.get("now"));
    if (!v.count) return null;
    return {
      version: `${term ? `${term.kind}:${term.key}:${term.label}` : "home"}:${v.newest}:${v.lastModified}`,
      lastModified: v.lastModified,
    };
  };

/** One extra row tells whether an older page exists, so the last page never links to an empty one. */
function paginate(rows: PostSummary[], basePath: string, hasBefore: boolean) {
  const posts = rows.slice(0, PAGE_SIZE);
  const last = posts[posts.length - 1];
  return {
    posts,
    olderHref:
      rows.length > PAGE_SIZE && last
        ? `${basePath}?before=${cursorParam({ publishedAt: last.publishedAt, id: last.id })}`
        : null,
    newestHref: hasBefore ? basePath : null,
  };
}

lists.get("/", cached(LIVE, listValidate("home")), async (c) => {
  const cfg = c.get("config");
  const before = parseCursor(c.req.query("before"));
  if (before === null) return errorPage(c, 400);
  const rows = await latestPosts(c.get("db"), { limit: PAGE_SIZE + 1, before, now: c.get("now") });
  return c.html(
    renderList({
      config: cfg,
      title: cfg.title,
      heading: before ? "更早的消息" : "最新消息",
      canonicalPath: "/",
      ...paginate(rows, "/", Boolean(before)),
      feeds: feedLinks(null, "", cfg.title),
      showSources: true,
    }),
  );
});

lists.get("/categories.html", cached(LIVE), async (c) => {
  const db = c.get("db");
  const [categories, combined] = await Promise.all([listTerms(db, "c", c.get("now")), listTerms(db, "r", c.get("now"))]);
  return c.html(renderTermIndex(c.get("config"), categories, combined));
});

const termPage = async (c: Context<AppEnv>) => {
  const cfg = c.get("config");
  const before = parseCursor(c.req.query("before"));
  if (before === null) return errorPage(c, 400);
  const term = await resolveTerm(c);
  if (!term) return c.notFound();
  const rows = await latestInTerm(c.get("db"), term.kind, term.key, { limit: PAGE_SIZE + 1, before, now: c.get("now") });
  // A term whose posts are all hidden does not exist yet.
  if (!rows.length && !before) return c.notFound();
  const isTag = term.kind === "t";
  const basePath = `/${isTag ? "tag" : "category"}/${encodeURIComponent(term.name)}.html`;
  return c.html(
    renderList({
      config: cfg,
      title: isTag ? `#${term.label}` : term.label,
      heading: isTag ? `#${term.label}` : term.label,
      intro: isTag ? "标签" : term.label !== term.name ? `来源代码：${term.name}` : undefined,
      canonicalPath: basePath,
      ...paginate(rows, basePath, Boolean(before)),
      feeds: feedLinks(term.kind, term.name, term.label),
    }),
  );
};

lists.get("/category/:name{.+\\.html}", cached(LIVE, listValidate("term")), termPage);
lists.get("/tag/:name{.+\\.html}", cached(LIVE, listValidate("term")), termPage);
