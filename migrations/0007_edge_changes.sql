CREATE TABLE `edge_changes` (
	`tag` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `edge_changes_at` ON `edge_changes` (`at`);