-- No query reads posts by updated_at (the sitemap and feeds order by published_at); the index cost
-- ~17 bytes per post and a write on every upsert.
DROP INDEX `posts_updated`;
