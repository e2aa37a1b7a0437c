ALTER TABLE `posts` ADD `feed_key` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `feed_atom` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `feed_rss` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `feed_json` text;