/**
 * @module ts-hooks
 * Lets plain Node (>= 22.18, type stripping on by default) run the project's
 * TypeScript scripts without a transpiler process: `node --import
 * ./scripts/ts-hooks.mjs scripts/seed.ts`. The code is written for a bundler
 * (extensionless relative imports), so this resolve hook adds the `.ts` Node
 * needs. Node's compile cache is kept in node_modules/.cache so the second
 * run skips parsing and compiling the dependencies. Used by the seed, whose
 * start-up is most of the time it takes to publish one post (tsx added ~0.3 s).
 */
import { enableCompileCache, registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

enableCompileCache(fileURLToPath(new URL("../node_modules/.cache/node-compile", import.meta.url)));

const RELATIVE = /^\.{1,2}\//;

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      if (!RELATIVE.test(specifier) || (err?.code !== "ERR_MODULE_NOT_FOUND" && err?.code !== "ERR_UNSUPPORTED_DIR_IMPORT"))
        throw err;
      for (const suffix of [".ts", "/index.ts"]) {
        try {
          return nextResolve(specifier + suffix, context);
        } catch {
          // try the next spelling
        }
      }
      throw err;
    }
  },
});
