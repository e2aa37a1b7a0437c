/**
 * @module content/infocode
 * Share-link codes (`NewsShare.html?infoCode=NW…`): the one pattern that both
 * ingestion and the share route trust.
 */

/** Up to 4 ASCII letters, then 6–24 ASCII digits. Nothing else ever reaches a URL we build. */
export const INFO_CODE_RE = /^[A-Za-z]{0,4}[0-9]{6,24}$/;

export function normalizeInfoCode(code: string): string | null {
  return INFO_CODE_RE.test(code) ? code.toUpperCase() : null;
}

/** The infoCode named in a share link, or null. */
export function infoCodeFromUrl(url: string): string | null {
  const m = /NewsShare\.html\?(?:[^#]*&)?infoCode=([A-Za-z0-9]+)/i.exec(url);
  return m ? normalizeInfoCode(m[1] as string) : null;
}

/** YYYY-MM-DD from the first eight digits of a code, when they form a real date. */
export function dateFromInfoCode(code: string): string | null {
  const m = /^[A-Za-z]*(\d{4})(\d{2})(\d{2})/.exec(code);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1990 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A slug that is itself a code (`NW` + digits, or digits, as the scraper named files), or null. */
export function infoCodeFromSlug(slug: string): string | null {
  return /^(?:NW)?[0-9]{6,24}$/i.test(slug) ? slug.toUpperCase() : null;
}

/** The infoCode of the first share link anywhere in a text, or null. */
export function findShareLinkCode(text: string): string | null {
  const m = /NewsShare\.html\?(?:[^#\s"'<>)]*&(?:amp;)?)?infoCode=([A-Za-z0-9]+)/i.exec(text);
  return m ? normalizeInfoCode(m[1] as string) : null;
}
