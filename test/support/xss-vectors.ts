/**
 * @module test/support/xss-vectors
 * Known XSS vectors, each of which would set `window.__xss` (or open a
 * dialog, or navigate) if it ever ran. Used as post bodies and as titles.
 */

const RUN = "window.__xss=1;alert(1)";
const RUN_ENC = "window.__xss=1;alert(1)".replace(/./g, (c) => `&#${c.charCodeAt(0)};`);

export interface Vector {
  name: string;
  html: string;
}

export const XSS_VECTORS: Vector[] = [
  { name: "script tag", html: `<script>${RUN}</script>` },
  { name: "script uppercase", html: `<SCRIPT>${RUN}</SCRIPT>` },
  { name: "script split", html: `<scr<script>ipt>${RUN}</scr</script>ipt>` },
  { name: "script src", html: `<script src="data:text/javascript,${RUN}"></script>` },
  { name: "img onerror", html: `<img src=x onerror="${RUN}">` },
  { name: "img onerror unquoted", html: `<img src=x onerror=${RUN.replace(/;/g, ",")}>` },
  { name: "img onerror unclosed", html: `<img src=x onerror=${RUN.replace(/;/g, ",")}//` },
  { name: "svg onload", html: `<svg onload="${RUN}"></svg>` },
  { name: "svg script", html: `<svg><script>${RUN}</script></svg>` },
  {
    name: "svg animate href",
    html: `<svg><a><animate attributeName="href" values="javascript:${RUN}"/><text y="20">click</text></a></svg>`,
  },
  { name: "svg xlink href", html: `<svg><a xlink:href="javascript:${RUN}"><text y="20">x</text></a></svg>` },
  { name: "body onload", html: `<body onload="${RUN}">` },
  { name: "details ontoggle", html: `<details open ontoggle="${RUN}">x</details>` },
  { name: "input autofocus onfocus", html: `<input autofocus onfocus="${RUN}">` },
  { name: "video onerror", html: `<video src=x onerror="${RUN}"></video>` },
  { name: "audio onerror", html: `<audio src=x onerror="${RUN}"></audio>` },
  { name: "marquee onstart", html: `<marquee onstart="${RUN}">x</marquee>` },
  { name: "div onmouseover", html: `<div onmouseover="${RUN}" style="width:100%;height:100%">x</div>` },
  { name: "a javascript:", html: `<a href="javascript:${RUN}">x</a>` },
  { name: "a JaVaScRiPt: case", html: `<a href="JaVaScRiPt:${RUN}">x</a>` },
  {
    name: "a javascript: entity-encoded",
    html: `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${RUN_ENC}">x</a>`,
  },
  { name: "a javascript: hex entities", html: `<a href="&#x6A;avascript&#x3A;${RUN}">x</a>` },
  { name: "a javascript: &colon;", html: `<a href="javascript&colon;${RUN}">x</a>` },
  { name: "a java\\tscript:", html: `<a href="java\tscript:${RUN}">x</a>` },
  { name: "a leading space javascript:", html: `<a href="  javascript:${RUN}">x</a>` },
  { name: "a vbscript:", html: `<a href="vbscript:msgbox(1)">x</a>` },
  { name: "a data:text/html", html: `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>` },
  { name: "img src javascript:", html: `<img src="javascript:${RUN}">` },
  { name: "img src data:svg", html: `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">` },
  { name: "markdown link javascript:", html: `[click](javascript:${RUN.replace(/[()]/g, "")})` },
  { name: "markdown image javascript:", html: `![img](javascript:${RUN.replace(/[()]/g, "")})` },
  { name: "markdown autolink javascript:", html: `<javascript:${RUN}>` },
  { name: "iframe src", html: `<iframe src="javascript:${RUN}"></iframe>` },
  { name: "iframe srcdoc", html: `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>` },
  { name: "object data", html: `<object data="data:text/html,<script>${RUN}</script>"></object>` },
  { name: "embed src", html: `<embed src="data:text/html,<script>${RUN}</script>">` },
  { name: "form action", html: `<form action="javascript:${RUN}"><button>go</button></form>` },
  { name: "button formaction", html: `<button formaction="javascript:${RUN}">go</button>` },
  { name: "meta refresh", html: `<meta http-equiv="refresh" content="0;url=javascript:${RUN}">` },
  { name: "meta refresh elsewhere", html: `<meta http-equiv="refresh" content="0;url=https://evil.example/">` },
  { name: "base href", html: `<base href="https://evil.example/">` },
  { name: "link import", html: `<link rel="import" href="data:text/html,<script>${RUN}</script>">` },
  { name: "style url()", html: `<p style="background:url(javascript:${RUN})">x</p>` },
  { name: "style expression", html: `<p style="width:expression(${RUN})">x</p>` },
  { name: "style tag import", html: `<style>@import "javascript:${RUN}";body{background:url(https://evil.example/x)}</style>` },
  {
    name: "noscript mutation",
    html: `<noscript><p title="</noscript><img src=x onerror=${RUN.replace(/;/g, ",")}>"></noscript>`,
  },
  { name: "style mutation", html: `<style><style/><img src=x onerror=${RUN.replace(/;/g, ",")}>` },
  { name: "math mglyph mutation", html: `<math><mtext><table><mglyph><style><img src=x onerror=${RUN.replace(/;/g, ",")}>` },
  { name: "math href", html: `<math href="javascript:${RUN}"><mi>x</mi></math>` },
  { name: "template", html: `<template><img src=x onerror="${RUN}"></template>` },
  { name: "textarea breakout", html: `<textarea></textarea><img src=x onerror="${RUN}"></textarea>` },
  { name: "title breakout", html: `</title><script>${RUN}</script>` },
  { name: "attribute breakout", html: `"><script>${RUN}</script>` },
  { name: "comment breakout", html: `<!--><img src=x onerror="${RUN}">-->` },
  { name: "cdata", html: `<![CDATA[<script>${RUN}</script>]]>` },
  {
    name: "eastmoney span href javascript:",
    html: `<span web="1" href="javascript:${RUN}" class="em_stock_key_common">股票</span>`,
  },
  { name: "img srcset", html: `<img srcset="x" onerror="${RUN}">` },
  { name: "xmp", html: `<xmp><img src=x onerror="${RUN}"></xmp>` },
];
