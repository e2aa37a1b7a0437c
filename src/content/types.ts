/**
 * @module content/types
 * The post model shared by the seed script (which writes it) and the Worker
 * (which reads it back from D1).
 */

export interface PostRecord {
  /** Identity: the filename's slug (after YYYY-MM-DD-). */
  slug: string;
  infoCode: string | null;
  title: string;
  /** Publication instant, epoch milliseconds (UTC). */
  publishedAt: number;
  /** YYYY-MM-DD in the site's time zone. */
  localDate: string;
  /** Canonical site path, escaped as Jekyll writes it. */
  path: string;
  categories: string[];
  /** The `categories:` value as written (double spaces kept). */
  categoriesRaw: string;
  tags: string[];
  bodyMd: string;
  bodyHtml: string;
  summary: string;
  firstImage: string | null;
  sourceUrl: string | null;
  shareUrl: string | null;
  backLink: string | null;
  /** false for `published: false`: stored, never shown. */
  published: boolean;
  permalink: string | null;
  /** SHA-256 of everything above plus the parser version. */
  hash: string;
}
