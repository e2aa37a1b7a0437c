/**
 * @module views/search
 * The search page: the box with the query kept, the matching posts newest
 * first with a keyset pager, and the search's own feeds; or, for a query the
 * site cannot search, the box and the reason. Never indexed by crawlers.
 */
import type { SiteConfig } from "../config";
import { MAX_QUERY_CHARS, MAX_QUERY_WORDS, type QueryProblem } from "../content/search-text";
import type { PostSummary } from "../db/repository";
import { type Alternate, Layout, page } from "./layout";
import { FeedLinks, Pager, PostList, SearchForm } from "./list";

export interface SearchPageProps {
  config: SiteConfig;
  /** The query as typed (squashed); empty before anything was asked. */
  q: string;
  category: { name: string; label: string } | null;
  posts: PostSummary[];
  olderHref: string | null;
  newestHref: string | null;
  feeds: Alternate[];
  /** Why the query cannot be searched (the page is then a 400). */
  problem?: QueryProblem;
}

function problemText(p: QueryProblem): string {
  switch (p.code) {
    case "empty":
      return "请输入要搜索的词。";
    case "too-long":
      return `查询不能超过 ${MAX_QUERY_CHARS} 个字。`;
    case "too-many-words":
      return `查询最多 ${MAX_QUERY_WORDS} 个词（用空格分隔）。`;
    case "no-words":
      return "查询中没有可以搜索的汉字、字母或数字。";
    case "single-char":
      return `“${p.part}”只有一个汉字：中文词语至少输入两个字（例如“股市”“降息”）。`;
  }
}

export function renderSearch(p: SearchPageProps): string {
  const within = p.category ? `${p.category.label}：` : "";
  const title = p.q ? `搜索：${within}${p.q}` : "搜索";
  return page(
    <Layout
      config={p.config}
      title={title}
      alternates={p.feeds.map((f) => ({ ...f, href: `${p.config.siteUrl}${f.href}` }))}
      noindex
    >
      <h1>{title}</h1>
      <SearchForm q={p.q} category={p.category} autofocus={!p.q} />
      {p.problem ? (
        <p class="problem" role="alert">
          {problemText(p.problem)}
        </p>
      ) : p.q ? (
        <>
          <p class="meta lead">
            {p.category ? <span>仅在来源 {p.category.label} 中</span> : null}
            <FeedLinks feeds={p.feeds} />
          </p>
          <PostList config={p.config} posts={p.posts} empty={p.newestHref ? "没有更多结果了。" : "没有找到匹配的文章。"} />
          <Pager newestHref={p.newestHref} olderHref={p.olderHref} />
        </>
      ) : (
        <p class="meta">中文词语至少两个字；英文单词、股票代码整词匹配，不分大小写；用空格分隔的词须同时出现。</p>
      )}
    </Layout>,
  );
}
