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
import { categoryHref, FEED_TYPES, feedHref, shareHref, tagHref } from "./links";

/** JSON for a <script> data block: `<` escaped so no text can close the element. */
function jsonLd(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function renderArticle(config: SiteConfig, post: Post): string {
  const url = `${config.siteUrl}${post.path}`;
  const category = post.categories[0] ?? null;
  const sourceName = post.tags[0] ?? category;
  const share = post.infoCode ? `${config.siteUrl}${shareHref(post.infoCode)}` : null;
  const ld = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: post.title,
    description: post.summary,
    datePublished: isoLocal(post.publishedAt, config.timeZone),
    dateModified: new Date(post.updatedAt).toISOString(),
    mainEntityOfPage: url,
    url,
    inLanguage: config.lang,
    author: { "@type": "Person", name: config.author },
    publisher: { "@type": "Organization", name: config.title },
    ...(post.firstImage ? { image: [post.firstImage] } : {}),
    ...(post.tags.length ? { keywords: post.tags.join(",") } : {}),
  };
  const head = (
    <>
      <meta property="og:type" content="article" />
      <meta property="og:title" content={post.title} />
      <meta property="og:description" content={post.summary} />
      <meta property="og:url" content={url} />
      <meta property="og:site_name" content={config.title} />
      {post.firstImage ? <meta property="og:image" content={post.firstImage} /> : null}
      <meta property="article:published_time" content={isoLocal(post.publishedAt, config.timeZone)} />
      <script type="application/ld+json">{raw(jsonLd(ld))}</script>
    </>
  );
  const alternates = category
    ? [{ type: FEED_TYPES.atom, title: `${sourceName} (Atom)`, href: `${config.siteUrl}${feedHref("c", category, "atom")}` }]
    : [];
  return page(
    <Layout config={config} title={post.title} description={post.summary} canonical={url} alternates={alternates} head={head}>
      <article>
        <h1>{post.title}</h1>
        <div class="meta">
          <time datetime={isoLocal(post.publishedAt, config.timeZone)}>{displayLocal(post.publishedAt, config.timeZone)}</time>
          {category ? <a href={categoryHref(category)}>{sourceName}</a> : null}
          {post.tags.length ? (
            <span class="tags">
              {post.tags.map((t) => (
                <a href={tagHref(t)} rel="tag">
                  #{t}
                </a>
              ))}
            </span>
          ) : null}
        </div>
        <div class="body">{raw(post.bodyHtml)}</div>
        <div class="box">
          {post.sourceUrl ? (
            <p>
              原文链接：
              <a href={post.sourceUrl} rel="noopener noreferrer nofollow">
                {post.sourceUrl}
              </a>
            </p>
          ) : null}
          {share ? (
            <p>
              <label>
                分享链接：
                <input type="text" readonly value={share} aria-label="分享链接" />
              </label>
            </p>
          ) : null}
          <p>
            {category ? (
              <>
                <a href={categoryHref(category)}>返回{sourceName}</a>｜
              </>
            ) : null}
            <a href="/">返回首页</a>
          </p>
        </div>
      </article>
    </Layout>,
  );
}
