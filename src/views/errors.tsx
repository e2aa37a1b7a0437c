/**
 * @module views/errors
 * 404 / 400 / 5xx pages: a way home, and to the category the path named.
 */
import type { SiteConfig } from "../config";
import { Layout, page } from "./layout";
import { categoryHref } from "../urls";

const TEXT: Record<number, [string, string]> = {
  400: ["请求无效", "这个链接的格式不正确。"],
  404: ["页面不存在", "找不到这个页面，它可能已被删除，或链接有误。"],
  405: ["不支持的请求方法", "这个地址只支持 GET 和 HEAD。"],
  414: ["链接过长", "这个链接太长了。"],
  500: ["服务器错误", "出了点问题，请稍后再试。"],
  503: ["服务暂时不可用", "数据库暂时无法访问，请稍后再试。"],
};

export function renderError(
  config: SiteConfig,
  status: number,
  requestId?: string,
  category?: { name: string; label: string } | null,
): string {
  const [title, text] = TEXT[status] ?? (TEXT[500] as [string, string]);
  return page(
    <Layout config={config} title={title} noindex>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        {category ? (
          <>
            <a href={categoryHref(category.name)}>前往{category.label}</a>｜
          </>
        ) : null}
        <a href="/">返回首页</a>
      </p>
      {requestId ? <p class="meta">请求编号：{requestId}</p> : null}
    </Layout>,
  );
}
