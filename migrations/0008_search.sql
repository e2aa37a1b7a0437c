-- The search index (src/content/search-text, src/db/search): one row per published post, its rowid
-- the post's search key, (published_at / 1000) * 2^30 + id, so FTS5 walks matches newest first and
-- stops at a page. Contentless: the text lives in `posts`; the index keeps only tokens and positions.
-- drizzle does not manage virtual tables: this migration is written by hand.
CREATE VIRTUAL TABLE `post_search` USING fts5(`body`, `cats`, content='', contentless_delete=1);
