ALTER TABLE `posts` ADD `search_key` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `posts_search_key` ON `posts` (`search_key`);--> statement-breakpoint
-- The search index (src/content/search-text, src/db/search-writes): one row per published post under
-- its search_key, so FTS5 walks a match newest first and stops at a page. Contentless: the text lives
-- in `posts`; the index keeps only tokens and positions. drizzle does not manage virtual tables:
-- this statement is written by hand. An existing database's posts are indexed by the next seed run.
CREATE VIRTUAL TABLE `post_search` USING fts5(`body`, `cats`, content='', contentless_delete=1);
