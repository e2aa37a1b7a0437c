CREATE TABLE `cache_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tag` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cache_changes_tag` ON `cache_changes` (`tag`);--> statement-breakpoint
CREATE INDEX `cache_changes_at` ON `cache_changes` (`at`);--> statement-breakpoint
CREATE TABLE `state` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
