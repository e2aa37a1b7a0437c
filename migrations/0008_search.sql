ALTER TABLE `posts` ADD `search_key` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `posts_search_key` ON `posts` (`search_key`);--> statement-breakpoint
-- The search index (src/content/search-text, src/db/search-writes): one row per published post under
-- its search_key, so FTS5 walks a match newest first and stops at a page. Contentless: the text lives
-- in `posts`; the index keeps only tokens and positions. drizzle does not manage virtual tables:
-- this statement is written by hand. An existing database's posts are indexed by the next seed run.
-- The text arrives as tokens already (lowercase, one space apart), so the `ascii` tokenizer, which
-- splits on ASCII separators only, is all it needs: it inserts in 60 % of unicode61's time.
CREATE VIRTUAL TABLE `post_search` USING fts5(`body`, `cats`, content='', contentless_delete=1, tokenize='ascii');
--> statement-breakpoint
-- Merge segments 16 at a time, not 4, and buffer up to 32 MB of entries before writing one out:
-- with the defaults, keeping the index cost the bulk seed 15 % more time (docs/benchmarks.md).
INSERT INTO `post_search` (`post_search`, `rank`) VALUES ('automerge', 16);
--> statement-breakpoint
INSERT INTO `post_search` (`post_search`, `rank`) VALUES ('hashsize', 33554432);
