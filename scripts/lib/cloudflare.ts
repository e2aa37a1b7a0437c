/**
 * @module scripts/lib/cloudflare
 * Lazy loader for wrangler, which only the remote seed needs (getPlatformProxy).
 * It is a large CommonJS bundle: require() loads it about a second faster and
 * ~200 MB lighter than import() does, and loading it lazily keeps local seeds
 * and usage errors from paying ~1.7 s for it at all.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const loadWrangler = (): typeof import("wrangler") => require("wrangler");
