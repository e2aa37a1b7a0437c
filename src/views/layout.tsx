/**
 * @module views/layout
 * The HTML shell every page shares. All text reaches the page through JSX,
 * which escapes it; only sanitized post bodies and JSON-LD use raw output.
 */
import type { Child } from "hono/jsx";
import type { SiteConfig } from "../config";
import { cleanText } from "../content/text";
import { categoriesHref, FEED_TYPES, feedHref, homeHref } from "../urls";

export interface Alternate {
  type: string;
  href: string;
  title: string;
}

export interface LayoutProps {
  config: SiteConfig;
  title: string;
  description?: string;
  canonical?: string;
  alternates?: Alternate[];
  head?: Child;
  /** Error and empty pages: keep them out of search indexes. */
  noindex?: boolean;
  children: Child;
}

/** The page's own feeds, then the site feed (every page offers it), each URL once. */
function uniqueAlternates(config: SiteConfig, alternates: Alternate[]): Alternate[] {
  const site = { type: FEED_TYPES.atom, title: `${config.title} (Atom)`, href: `${config.siteUrl}${feedHref(null, "", "atom")}` };
  const seen = new Set<string>();
  return [...alternates, site].filter((a) => !seen.has(a.href) && seen.add(a.href));
}

export function Layout({ config, title, description, canonical, alternates = [], head, noindex, children }: LayoutProps) {
  const full = title === config.title ? title : `${title} - ${config.title}`;
  return (
    <html lang={config.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{full}</title>
        {noindex ? <meta name="robots" content="noindex" /> : null}
        {description ? <meta name="description" content={description} /> : null}
        {canonical ? <link rel="canonical" href={canonical} /> : null}
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {uniqueAlternates(config, alternates).map((a) => (
          <link rel="alternate" type={a.type} title={a.title} href={a.href} />
        ))}
        {head}
      </head>
      <body>
        <header class="site">
          <div class="wrap">
            <a class="brand" href={homeHref()}>
              {config.title}
            </a>
            <nav>
              <a href={categoriesHref()}>全部来源</a>
              <a href={feedHref(null, "", "atom")}>订阅</a>
            </nav>
          </div>
        </header>
        <main class="wrap">{children}</main>
        <footer class="site">
          <div class="wrap">
            © {config.author} · <a href={homeHref()}>{config.title}</a> · <a href={categoriesHref()}>全部来源</a> ·{" "}
            <a href={feedHref(null, "", "atom")}>Atom 订阅</a>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page as a full HTML5 document. */
export function page(node: Child): string {
  // Stored text is cleaned at ingest; this pass keeps pages well-formed even for rows written by other tools.
  return `<!DOCTYPE html>${cleanText(String(node))}`;
}
