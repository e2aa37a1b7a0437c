/**
 * @module views/style
 * The site's one stylesheet, served from /assets/site.css (CSP allows no inline <style>).
 */
export const SITE_CSS = `
:root{color-scheme:light dark;--bg:#fbfbf8;--fg:#1f2328;--muted:#5e6570;--line:#e3e3de;--accent:#b3261e;--card:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e3;--muted:#9aa1ab;--line:#2c3036;--accent:#ff8a80;--card:#1c1f23}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.8 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;text-rendering:optimizeLegibility}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid var(--line);background:var(--card)}
header.site .wrap{display:flex;align-items:baseline;justify-content:space-between;gap:1rem;padding-top:.6rem;padding-bottom:.6rem}
header.site a.brand{font-weight:700;font-size:1.15rem;color:var(--fg)}
header.site nav a{margin-left:1rem;font-size:.9rem}
main{padding:1.2rem 0 2rem}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;padding:1rem 0 2rem}
h1{font-size:1.55rem;line-height:1.45;margin:.4rem 0 .6rem;letter-spacing:.01em}
.meta{color:var(--muted);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.tags a{margin-right:.5rem}
article .body{margin-top:1.2rem;word-wrap:break-word;overflow-wrap:anywhere;text-align:justify}
article .body p{margin:0 0 1em}
article .body img{max-width:100%;height:auto}
article .body table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto}
article .body td,article .body th{border:1px solid var(--line);padding:.2rem .5rem}
article .body blockquote{margin:0 0 1em;padding:.2rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
.box{margin-top:1.5rem;padding:.8rem 1rem;border:1px solid var(--line);border-radius:6px;background:var(--card);font-size:.9rem}
.box input{width:100%;font:inherit;padding:.3rem .4rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
.box p{margin:.2rem 0}
ol.posts{list-style:none;margin:0;padding:0}
ol.posts li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ol.posts h2{font-size:1.08rem;line-height:1.5;margin:0}
ol.posts p{margin:.2rem 0 0;color:var(--muted);font-size:.92rem}
.pager{display:flex;justify-content:space-between;margin-top:1.2rem}
.feeds a{margin-right:.8rem;font-size:.9rem}
ul.terms{columns:12rem;padding-left:1.2rem}
`;
