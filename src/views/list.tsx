/**
 * @module views/list
 * Home, category and tag pages (newest first, keyset "older" link, feeds,
 * a search box), and the index of every source.
 */
import type { SiteConfig } from "../config";
import { displayLocal, isoLocal } from "../content/dates";
import type { PostSummary, Term } from "../db/repository";
import { type Alternate, Layout, page } from "./layout";
import { MAX_QUERY_CHARS } from "../content/search-text";
import { categoriesHref, categoryHref, FEED_NAMES, FEED_TYPES, type FeedFormat, opmlHref, searchPath } from "../urls";

const NAME_BY_TYPE = Object.fromEntries(
  (Object.keys(FEED_TYPES) as FeedFormat[]).map((f) => [FEED_TYPES[f], FEED_NAMES[f]]),
) as Record<string, string>;

export interface ListPageProps {
  config: SiteConfig;
  title: string;
  heading: string;
  canonicalPath: string;
  posts: PostSummary[];
  /** Path of the next (older) page, or null at the end. */
  olderHref: string | null;
  newestHref: string | null;
  feeds: Alternate[];
  intro?: string;
  /** Home: point at the index of every source. */
  showSources?: boolean;
  /** The search box: over everything, or within this category. */
  search?: { category: { name: string; label: string } | null };
}

/** A search box; on a category's page it searches within it. */
export function SearchForm(p: { q?: string; category: { name: string; label: string } | null; autofocus?: boolean }) {
  return (
    <search>
      <form class="search" action={searchPath()} method="get">
        <input
          type="search"
          name="q"
          value={p.q ?? ""}
          maxlength={MAX_QUERY_CHARS}
          placeholder={p.category ? `在 ${p.category.label} 中搜索` : "搜索全部文章"}
          aria-label="搜索"
          autofocus={p.autofocus}
        />
        {p.category ? <input type="hidden" name="category" value={p.category.name} /> : null}
        <button type="submit">搜索</button>
      </form>
    </search>
  );
}

/** "Subscribe:" and a link per feed format. */
export function FeedLinks({ feeds }: { feeds: Alternate[] }) {
  if (!feeds.length) return null;
  return (
    <span class="feeds">
      订阅：
      {feeds.map((f) => (
        <a href={f.href} type={f.type} title={f.title}>
          {NAME_BY_TYPE[f.type] ?? f.type}
        </a>
      ))}
    </span>
  );
}

/** Posts newest first, or a line saying there are none. */
export function PostList({
  config,
  posts,
  empty = "没有更多文章了。",
}: {
  config: SiteConfig;
  posts: PostSummary[];
  empty?: string;
}) {
  if (!posts.length) return <p>{empty}</p>;
  return (
    <ol class="posts">
      {posts.map((post) => (
        <li>
          <h2>
            <a href={post.path}>{post.title}</a>
          </h2>
          <p class="meta">
            <time datetime={isoLocal(post.publishedAt, config.timeZone)}>{displayLocal(post.publishedAt, config.timeZone)}</time>
            {post.categories[0] ? <a href={categoryHref(post.categories[0])}>{post.tags[0] ?? post.categories[0]}</a> : null}
          </p>
          {post.summary ? <p class="summary">{post.summary}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** The keyset pager: back to the newest page, on to older ones. */
export function Pager({ newestHref, olderHref }: { newestHref: string | null; olderHref: string | null }) {
  if (!newestHref && !olderHref) return null;
  return (
    <nav class="pager" aria-label="翻页">
      {newestHref ? <a href={newestHref}>« 最新</a> : <span />}
      {olderHref ? (
        <a href={olderHref} rel="next">
          更早 »
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

export function renderList(p: ListPageProps): string {
  return page(
    <Layout
      config={p.config}
      title={p.title}
      canonical={`${p.config.siteUrl}${p.canonicalPath}`}
      alternates={p.feeds.map((f) => ({ ...f, href: `${p.config.siteUrl}${f.href}` }))}
      noindex={p.posts.length === 0}
    >
      <h1>{p.heading}</h1>
      {p.search ? <SearchForm category={p.search.category} /> : null}
      <p class="meta lead">
        {p.intro ? <span>{p.intro}</span> : null}
        {p.showSources ? (
          <>
            <a href={categoriesHref()}>浏览全部来源 »</a>
            <a href={opmlHref()} type="text/x-opml" title="每个来源的订阅（OPML）">
              订阅全部来源（OPML）
            </a>
          </>
        ) : null}
        <FeedLinks feeds={p.feeds} />
      </p>
      <PostList config={p.config} posts={p.posts} />
      <Pager newestHref={p.newestHref} olderHref={p.olderHref} />
    </Layout>,
  );
}

function TermList({ terms }: { terms: Term[] }) {
  return (
    <ul class="terms">
      {terms.map((t) => (
        <li>
          <a href={categoryHref(t.name)} title={t.label === t.name ? undefined : `来源代码：${t.name}`}>
            {t.label}
          </a>
          {t.label === t.name ? null : <span class="code">{t.name}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Every category, then every multi-category `categories:` string the old site had a page for. */
export function renderTermIndex(config: SiteConfig, categories: Term[], combined: Term[]): string {
  return page(
    <Layout config={config} title="全部来源" canonical={`${config.siteUrl}${categoriesHref()}`}>
      <h1>全部来源</h1>
      <p class="meta lead">
        <a href={opmlHref()} type="text/x-opml">
          一次订阅全部来源（OPML）
        </a>
        ：RSS，另有 <a href={opmlHref("atom")}>Atom</a> 与 <a href={opmlHref("json")}>JSON Feed</a>
      </p>
      <TermList terms={categories} />
      {combined.length ? (
        <>
          <h2>组合分类</h2>
          <TermList terms={combined} />
        </>
      ) : null}
    </Layout>,
  );
}
