/**
 * @module views/list
 * Home, category and tag pages: newest first, keyset "older" link, feeds.
 */
import type { SiteConfig } from "../config";
import { displayLocal, isoLocal } from "../content/dates";
import type { PostSummary, Term } from "../db/repository";
import { type Alternate, Layout, page } from "./layout";
import { categoryHref } from "./links";

export interface ListPageProps {
  config: SiteConfig;
  title: string;
  heading: string;
  canonicalPath: string;
  posts: PostSummary[];
  /** query string for the next (older) page, or null at the end */
  olderHref: string | null;
  newestHref: string | null;
  feeds: Alternate[];
  intro?: string;
}

export function renderList(p: ListPageProps): string {
  return page(
    <Layout
      config={p.config}
      title={p.title}
      canonical={`${p.config.siteUrl}${p.canonicalPath}`}
      alternates={p.feeds.map((f) => ({ ...f, href: `${p.config.siteUrl}${f.href}` }))}
    >
      <h1>{p.heading}</h1>
      {p.intro ? <p class="meta">{p.intro}</p> : null}
      {p.feeds.length ? (
        <p class="feeds">
          订阅：
          {p.feeds.map((f) => (
            <a href={f.href} type={f.type}>
              {f.title}
            </a>
          ))}
        </p>
      ) : null}
      {p.posts.length ? (
        <ol class="posts">
          {p.posts.map((post) => (
            <li>
              <h2>
                <a href={post.path}>{post.title}</a>
              </h2>
              <div class="meta">
                <time datetime={isoLocal(post.publishedAt, p.config.timeZone)}>
                  {displayLocal(post.publishedAt, p.config.timeZone)}
                </time>
                {post.categories[0] ? <a href={categoryHref(post.categories[0])}>{post.tags[0] ?? post.categories[0]}</a> : null}
              </div>
              {post.summary ? <p>{post.summary}</p> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p>没有更多文章了。</p>
      )}
      <nav class="pager">
        {p.newestHref ? <a href={p.newestHref}>« 最新</a> : <span />}
        {p.olderHref ? (
          <a href={p.olderHref} rel="next">
            更早 »
          </a>
        ) : (
          <span />
        )}
      </nav>
    </Layout>,
  );
}

export function renderTermIndex(config: SiteConfig, categories: Term[]): string {
  return page(
    <Layout config={config} title="全部来源" canonical={`${config.siteUrl}/categories.html`}>
      <h1>全部来源</h1>
      <ul class="terms">
        {categories.map((t) => (
          <li>
            <a href={categoryHref(t.name)}>{t.label === t.name ? t.name : `${t.label}（${t.name}）`}</a>
          </li>
        ))}
      </ul>
    </Layout>,
  );
}
