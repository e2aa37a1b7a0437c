/**
 * @module content/nav
 * The scraper appended navigation to every body: a `<url>` source or share
 * link and `[返回…](…)｜[返回首页](…)` back-links. They become fields; the
 * site draws its own navigation.
 */

export interface TrailingNav {
  body: string;
  sourceUrl: string | null;
  shareUrl: string | null;
  /** Site-relative path of the "back to source" link, e.g. /emnews/ or /category/x.html */
  backLink: string | null;
}

// Link targets may hold one level of parentheses (category/anxinguojizhengquan(xianggang).html) and the
// raw strings' spaces (category/21shijijingjibaodao  nancailicaitong.html), which the scraper never escaped.
const TARGET = String.raw`((?:[^()\n]|\([^()\n]*\))*)`;
const BOTH = new RegExp(String.raw`^\[返回[^\]]*\]\(${TARGET}\)\s*[｜|]\s*\[返回首页\]\(${TARGET}\)\s*$`);
const HOME = new RegExp(String.raw`^\[返回首页\]\(${TARGET}\)\s*$`);
const BACK = new RegExp(String.raw`^\[返回[^\]]*\]\(${TARGET}\)\s*$`);
// `<scheme:…>` or `<//host…>`, or the scraper's empty `<>`; never an HTML tag such as `</div>` or `<br>`.
const AUTOLINK = /^<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|\/\/)[^<>\s]*)?>\s*$/;

/** Reduces an old-site link (`//host/x/`, `https://host/x/`, `../x/`) to a site path; null for foreign links. */
export function sitePath(href: string, siteHost: string): string | null {
  const h = href.trim();
  const abs = /^(?:https?:)?\/\/([^/?#]+)(.*)$/i.exec(h);
  if (abs) {
    if ((abs[1] as string).toLowerCase() !== siteHost.toLowerCase()) return null;
    return abs[2] || "/";
  }
  if (h.startsWith("/")) return h;
  const rel = /^(?:\.\.\/)+(.*)$/.exec(h);
  if (rel) return `/${rel[1]}`;
  return null;
}

export function extractTrailingNav(body: string, siteHost: string): TrailingNav {
  const lines = body.split("\n");
  let end = lines.length;
  let sourceUrl: string | null = null;
  let shareUrl: string | null = null;
  let backLink: string | null = null;
  let consumed = 0;
  while (consumed < 4) {
    while (end > 0 && (lines[end - 1] as string).trim() === "") end--;
    if (end === 0) break;
    const line = (lines[end - 1] as string).trim();
    let m: RegExpExecArray | null;
    if ((m = BOTH.exec(line))) {
      backLink ??= sitePath(m[1] as string, siteHost);
    } else if (HOME.exec(line)) {
      // the home link carries nothing
    } else if ((m = BACK.exec(line))) {
      backLink ??= sitePath(m[1] as string, siteHost);
    } else if ((m = AUTOLINK.exec(line))) {
      const url = m[1] ?? "";
      if (/NewsShare\.html/i.test(url)) shareUrl ??= url;
      else if (url) sourceUrl ??= url;
    } else break;
    end--;
    consumed++;
  }
  return { body: lines.slice(0, end).join("\n"), sourceUrl, shareUrl, backLink };
}
