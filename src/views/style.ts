/**
 * @module views/style
 * The site's one stylesheet, served from /assets/site.css (CSP allows no inline <style>).
 * System CJK faces only: no web fonts to download, nothing for `font-src` to allow.
 */
export const SITE_CSS = `
:root{color-scheme:light dark;--bg:#fbfbf8;--fg:#1f2328;--muted:#5e6570;--line:#e3e3de;--accent:#b3261e;--card:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e3;--muted:#9aa1ab;--line:#2c3036;--accent:#ff8a80;--card:#1c1f23}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.8 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;text-rendering:optimizeLegibility;-webkit-font-smoothing:antialiased}
a{color:var(--accent);text-decoration:none}a:hover,a:focus-visible{text-decoration:underline}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid var(--line);background:var(--card)}
header.site .wrap{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.2rem 1rem;padding-top:.6rem;padding-bottom:.6rem}
header.site a.brand{font-weight:700;font-size:1.15rem;color:var(--fg)}
header.site nav a{margin-left:1rem;font-size:.9rem}
main.wrap{padding-top:1.5rem;padding-bottom:2.5rem;overflow-wrap:anywhere}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;padding:1rem 0 2rem}
h1{font-size:1.6rem;line-height:1.45;margin:0 0 .6rem;letter-spacing:.01em}
h2{font-size:1.2rem;line-height:1.5;margin:1.6rem 0 .6rem}
.meta{color:var(--muted);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:0 0 .4rem}
.lead{margin-bottom:1rem}
.tags a{margin-right:.5rem}
.feeds a{margin-left:.5rem}
article header{margin-bottom:1.2rem}
article .body{text-align:justify;line-break:strict}
article .body p{margin:0 0 1em}
article .body img{max-width:100%;height:auto;vertical-align:middle}
article .body table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto;margin:0 0 1em;font-size:.92rem}
article .body td,article .body th{border:1px solid var(--line);padding:.25rem .6rem;text-align:left}
article .body th{background:var(--card)}
article .body blockquote{margin:0 0 1em;padding:.2rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
article .body pre{overflow-x:auto;padding:.6rem;background:var(--card);border:1px solid var(--line);border-radius:4px}
.box{margin-top:1.8rem;padding:.8rem 1rem;border:1px solid var(--line);border-radius:6px;background:var(--card);font-size:.9rem;line-height:1.7}
.box p{margin:.2rem 0 .6rem}
.share-link{display:block;margin-top:.3rem;padding:.35rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);font:.85rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;-webkit-user-select:all;user-select:all;overflow-wrap:anywhere}
nav.back span{margin:0 .4rem;color:var(--muted)}
ol.posts{list-style:none;margin:0;padding:0}
ol.posts li{padding:.8rem 0;border-bottom:1px solid var(--line)}
ol.posts h2{font-size:1.08rem;line-height:1.55;margin:0 0 .2rem}
ol.posts h2 a{color:var(--fg)}ol.posts h2 a:hover,ol.posts h2 a:focus-visible{color:var(--accent)}
ol.posts .meta{margin:0}
ol.posts .summary{margin:.2rem 0 0;color:var(--muted);font-size:.92rem;line-height:1.7}
form.search{display:flex;gap:.5rem;margin:0 0 1rem}
form.search input{flex:1;min-width:0;font:inherit;padding:.3rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
form.search button{font:inherit;padding:.3rem .9rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
.problem{padding:.6rem .8rem;border-left:3px solid var(--accent);background:var(--card)}
.pager{display:flex;justify-content:space-between;margin-top:1.2rem}
ul.terms{columns:14rem;padding-left:1.2rem}
ul.terms li{break-inside:avoid}
ul.terms .code{color:var(--muted);font-size:.75rem;margin-left:.4em}
@media (max-width:30rem){body{font-size:16px}h1{font-size:1.4rem}}
`;

/** A plain mark in the accent colour (no external request, allowed by `img-src`). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#b3261e"/>' +
  '<path d="M9 22V10h14v3H12.5v2.5H21v3h-8.5V22z" fill="#fff"/></svg>\n';
