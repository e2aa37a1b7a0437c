/**
 * @module views/list
 * Home, category and tag pages (newest first, keyset "older" link, feeds),
 * and the index of every source.
 */
import type { SiteConfig } from "../config";
import { displayLocal, isoLocal } from "../content/dates";
import type { PostSummary, Term } from "../db/repository";
import { type Alternate, Layout, page } from "./layout";
import { categoriesHref, categoryHref, FEED_NAMES, FEED_TYPES, type FeedFormat, opmlHref } from "../urls";

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
        {p.feeds.length ? (
          <span class="feeds">
            订阅：
            {p.feeds.map((f) => (
              <a href={f.href} type={f.type} title={f.title}>
                {NAME_BY_TYPE[f.type] ?? f.type}
              </a>
            ))}
          </span>
        ) : null}
      </p>
      {p.posts.length ? (
        <ol class="posts">
          {p.posts.map((post) => (
            <li>
              <h2>
                <a href={post.path}>{post.title}</a>
              </h2>
              <p class="meta">
                <time datetime={isoLocal(post.publishedAt, p.config.timeZone)}>
                  {displayLocal(post.publishedAt, p.config.timeZone)}
                </time>
                {post.categories[0] ? <a href={categoryHref(post.categories[0])}>{post.tags[0] ?? post.categories[0]}</a> : null}
              </p>
              {post.summary ? <p class="summary">{post.summary}</p> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p>没有更多文章了。</p>
      )}
      {p.newestHref || p.olderHref ? (
        <nav class="pager" aria-label="翻页">
          {p.newestHref ? <a href={p.newestHref}>« 最新</a> : <span />}
          {p.olderHref ? (
            <a href={p.olderHref} rel="next">
              更早 »
            </a>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
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
