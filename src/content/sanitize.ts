/**
 * @module content/sanitize
 * The allowlist every stored body passes through (sanitize-html). Anything
 * not named here is dropped; see docs/security.md for the reasoning.
 */
import sanitizeHtml from "sanitize-html";
import { sitePath } from "./nav";

const TAGS = [
  "p",
  "br",
  "hr",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "del",
  "ins",
  "sub",
  "sup",
  "small",
  "mark",
  "abbr",
  "cite",
  "q",
  "blockquote",
  "pre",
  "code",
  "kbd",
  "samp",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "caption",
  "colgroup",
  "col",
  "a",
  "img",
  "figure",
  "figcaption",
  "span",
  "div",
];

// Elements whose content is never readable text: drop them with everything inside.
const DROP_WITH_CONTENT = [
  "script",
  "style",
  "textarea",
  "option",
  "select",
  "noscript",
  "noembed",
  "noframes",
  "template",
  "title",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "svg",
  "math",
  "xmp",
  "plaintext",
  "head",
];

const TEXT_ALIGN = [/^(?:left|right|center|justify|start|end)$/];

export interface SanitizeOptions {
  /** Host of the old site, whose absolute links become site paths. */
  siteHost: string;
}

/** Maps an old-site link to this site's own path (`/emnews/` → `/category/emnews.html`). */
function rewriteHref(href: string, siteHost: string): string {
  const path = sitePath(href, siteHost);
  if (path === null) return href;
  const back = /^\/([^/?#]+)\/$/.exec(path);
  if (back && back[1] !== "category" && back[1] !== "tag") return `/category/${back[1]}.html`;
  return path;
}

export function sanitizeBody(html: string, { siteHost }: SanitizeOptions): string {
  return sanitizeHtml(html, {
    allowedTags: TAGS,
    nonTextTags: DROP_WITH_CONTENT,
    disallowedTagsMode: "discard",
    allowedAttributes: {
      a: ["href", "title", "target", "rel"],
      img: ["src", "alt", "title", "width", "height"],
      td: ["colspan", "rowspan", "style"],
      th: ["colspan", "rowspan", "scope", "style"],
      ol: ["start", "reversed"],
      abbr: ["title"],
      p: ["style"],
      div: ["style"],
    },
    allowedStyles: { "*": { "text-align": TEXT_ALIGN } },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
    allowProtocolRelative: true,
    enforceHtmlBoundary: false,
    parseStyleAttributes: true,
    transformTags: {
      h1: "h2",
      center: () => ({ tagName: "div", attribs: { style: "text-align:center" } }),
      // eastmoney keyword widgets: <span web="1" href="http://quote…">名称</span> → a plain link
      span: (_tag, attribs): sanitizeHtml.Tag => {
        const href = attribs.href ?? "";
        if (/^https?:\/\//i.test(href)) {
          return { tagName: "a", attribs: { href, target: "_blank", rel: "noopener noreferrer" } };
        }
        return { tagName: "span", attribs: {} };
      },
      a: (_tag, attribs) => {
        const out: Record<string, string> = {};
        if (attribs.href) out.href = rewriteHref(attribs.href, siteHost);
        if (attribs.title) out.title = attribs.title;
        if (attribs.target === "_blank") {
          out.target = "_blank";
          out.rel = "noopener noreferrer";
        }
        return { tagName: "a", attribs: out };
      },
      img: (_tag, attribs) => {
        const out: Record<string, string> = {};
        for (const k of ["alt", "title"]) if (attribs[k]) out[k] = attribs[k] as string;
        // Images must be absolute http(s) (or protocol-relative); a relative src is a broken image on our host.
        if (/^\s*(?:https?:)?\/\//i.test(attribs.src ?? "")) out.src = (attribs.src as string).trim();
        for (const k of ["width", "height"]) if (/^\d{1,5}$/.test(attribs[k] ?? "")) out[k] = attribs[k] as string;
        return { tagName: "img", attribs: out };
      },
    },
    // Only an <img> without a source goes with its content; empty wrappers give up just their tags,
    // so a linked image inside `<p><a><img></a></p>` or `<span><img></span>` survives.
    exclusiveFilter: (frame) => {
      if (frame.tag === "img") return !frame.attribs.src;
      if ((frame.tag === "a" && !frame.attribs.href) || (frame.tag === "span" && !frame.text.trim())) return "excludeTag";
      return false;
    },
  }).replace(EMPTY_PARAGRAPH, "");
}

// Paragraphs holding nothing but line breaks and spaces: the scraper's `<p style="display:none"><br /></p>` leftovers.
const EMPTY_PARAGRAPH = /<p(?: style="[^"]*")?>(?:\s|&nbsp;|<br \/>)*<\/p>/g;
