/**
 * @module views/layout
 * The HTML shell every page shares. All text reaches the page through JSX,
 * which escapes it; only sanitized post bodies and JSON-LD use raw output.
 */
import type { Child } from "hono/jsx";
import type { SiteConfig } from "../config";

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
  children: Child;
}

export function Layout({ config, title, description, canonical, alternates = [], head, children }: LayoutProps) {
  const full = title === config.title ? title : `${title} - ${config.title}`;
  return (
    <html lang={config.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{full}</title>
        {description ? <meta name="description" content={description} /> : null}
        {canonical ? <link rel="canonical" href={canonical} /> : null}
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="alternate" type="application/atom+xml" title={`${config.title} (Atom)`} href={`${config.siteUrl}/feed.xml`} />
        {alternates.map((a) => (
          <link rel="alternate" type={a.type} title={a.title} href={a.href} />
        ))}
        {head}
      </head>
      <body>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              {config.title}
            </a>
            <nav>
              <a href="/categories.html">全部来源</a>
              <a href="/feed.xml">订阅</a>
            </nav>
          </div>
        </header>
        <main class="wrap">{children}</main>
        <footer class="site">
          <div class="wrap">
            © {config.author} · <a href="/feed.xml">Atom</a> · <a href="/rss.xml">RSS</a> · <a href="/feed.json">JSON Feed</a>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page as a full HTML5 document. */
export function page(node: Child): string {
  return `<!DOCTYPE html>${String(node)}`;
}
