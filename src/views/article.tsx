/**
 * @module views/article
 * The article page: sanitized body (stored at ingest), time in the site's
 * zone, source and tags, share link, Open Graph and JSON-LD.
 */
import { raw } from "hono/html";
import type { SiteConfig } from "../config";
import { displayLocal, isoLocal } from "../content/dates";
import type { Post } from "../db/repository";
import { Layout, page } from "./layout";
import { categoryHref, FEED_TYPES, feedHref, shareHref, tagHref } from "../urls";

/** JSON for a <script> data block: `<` escaped so no text can close the element. */
function jsonLd(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The scraper copied `<…>` source links verbatim: only web URLs become links. */
const webUrl = (u: string | null): u is string => u !== null && /^https?:\/\/[^\s"'<>]+$/i.test(u);

/** zh-CN → zh_CN, Open Graph's spelling of a locale. */
const ogLocale = (lang: string) => lang.replace("-", "_");

export function renderArticle(config: SiteConfig, post: Post): string {
  const url = `${config.siteUrl}${post.path}`;
  const category = post.categories[0] ?? null;
  const sourceName = post.tags[0] ?? category;
  const share = post.infoCode ? `${config.siteUrl}${shareHref(post.infoCode)}` : null;
  const published = isoLocal(post.publishedAt, config.timeZone);
  // The source's name is usually its first tag: link it once, as the source.
  const tags = post.tags.filter((t) => t !== sourceName || !category);
  const ld = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: post.title,
    description: post.summary,
    datePublished: published,
    dateModified: new Date(post.updatedAt).toISOString(),
    mainEntityOfPage: url,
    url,
    inLanguage: config.lang,
    author: { "@type": "Person", name: config.author },
    publisher: { "@type": "Organization", name: config.title, url: config.siteUrl },
    ...(post.firstImage ? { image: [post.firstImage] } : {}),
    ...(post.tags.length ? { keywords: post.tags.join(",") } : {}),
    ...(sourceName ? { articleSection: sourceName } : {}),
  };
  const head = (
    <>
      <meta property="og:type" content="article" />
      <meta property="og:title" content={post.title} />
      <meta property="og:description" content={post.summary} />
      <meta property="og:url" content={url} />
      <meta property="og:site_name" content={config.title} />
      <meta property="og:locale" content={ogLocale(config.lang)} />
      {post.firstImage ? <meta property="og:image" content={post.firstImage} /> : null}
      <meta property="article:published_time" content={published} />
      {sourceName ? <meta property="article:section" content={sourceName} /> : null}
      {post.tags.map((t) => (
        <meta property="article:tag" content={t} />
      ))}
      <script type="application/ld+json">{raw(jsonLd(ld))}</script>
    </>
  );
  const alternates = category
    ? [{ type: FEED_TYPES.atom, title: `${sourceName} (Atom)`, href: `${config.siteUrl}${feedHref("c", category, "atom")}` }]
    : [];
  return page(
    <Layout config={config} title={post.title} description={post.summary} canonical={url} alternates={alternates} head={head}>
      <article>
        <header>
          <h1>{post.title}</h1>
          <p class="meta">
            <time datetime={published}>{displayLocal(post.publishedAt, config.timeZone)}</time>
            {category ? <a href={categoryHref(category)}>{sourceName}</a> : null}
            {tags.length ? (
              <span class="tags">
                {tags.map((t) => (
                  <a href={tagHref(t)} rel="tag">
                    #{t}
                  </a>
                ))}
              </span>
            ) : null}
          </p>
        </header>
        <div class="body">{raw(post.bodyHtml)}</div>
        <footer class="box">
          {webUrl(post.sourceUrl) ? (
            <p>
              原文链接：
              <a class="source" href={post.sourceUrl} rel="noopener noreferrer nofollow">
                {post.sourceUrl}
              </a>
            </p>
          ) : null}
          {share ? (
            <p>
              分享链接（点按即可全选）：
              <code class="share-link" translate="no">
                {share}
              </code>
            </p>
          ) : null}
          <nav class="back" aria-label="返回">
            {category ? (
              <>
                <a href={categoryHref(category)}>返回{sourceName}</a>
                <span aria-hidden="true">｜</span>
              </>
            ) : null}
            <a href="/">返回首页</a>
          </nav>
        </footer>
      </article>
    </Layout>,
  );
}
