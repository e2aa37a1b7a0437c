/**
 * @module drizzle.config
 * drizzle-kit generates SQL migrations from src/db/schema.ts into migrations/
 * (flat files, the layout `wrangler d1 migrations apply` reads).
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  migrations: { prefix: "index" },
});
