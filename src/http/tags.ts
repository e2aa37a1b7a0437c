/**
 * @module http/tags
 * The header form of cache tags (src/db/changes.ts names them): Workers
 * Cache takes printable ASCII without spaces or commas, at most 1,024
 * characters a tag, and matches them case-insensitively. Percent-encoding
 * gives that for any name (the canonical tags are already cut to 200 code
 * points, so at most 1,800 bytes encoded; longer ones are hashed).
 */
import { fnv1a } from "../content/text";

const MAX_WIRE = 1024;

export function wireTag(tag: string): string {
  const enc = encodeURIComponent(tag).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return enc.length <= MAX_WIRE ? enc : `h:${fnv1a(tag)}`;
}

/** The `Cache-Tag` header value. */
export const cacheTagHeader = (tags: string[]) => tags.map(wireTag).join(",");
