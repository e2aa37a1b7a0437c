-- The routing table of an archive split over several databases (src/db/archive.ts); empty in the others.
CREATE TABLE `archive_routes` (
	`key` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL
);
--> statement-breakpoint
-- The markdown was stored but never read back: the files are the archive. About 3.9 KB a post (docs/scaling.md).
ALTER TABLE `posts` DROP COLUMN `body_md`;