CREATE TABLE `post_terms` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`published_at` integer NOT NULL,
	`post_id` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`, `published_at`, `post_id`)
);
--> statement-breakpoint
CREATE INDEX `post_terms_post` ON `post_terms` (`post_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`info_code` text,
	`title` text NOT NULL,
	`published_at` integer NOT NULL,
	`local_date` text NOT NULL,
	`path` text NOT NULL,
	`categories` text NOT NULL,
	`categories_raw` text NOT NULL,
	`tags` text NOT NULL,
	`body_md` text NOT NULL,
	`body_html` text NOT NULL,
	`summary` text NOT NULL,
	`first_image` text,
	`source_url` text,
	`share_url` text,
	`back_link` text,
	`published` integer NOT NULL,
	`permalink` text,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posts_slug` ON `posts` (`slug`);--> statement-breakpoint
CREATE INDEX `posts_info_code` ON `posts` (`info_code`,`published_at`);--> statement-breakpoint
CREATE INDEX `posts_path` ON `posts` (`path`);--> statement-breakpoint
CREATE INDEX `posts_published_time` ON `posts` (`published_at`,`id`) WHERE "posts"."published" = 1;--> statement-breakpoint
CREATE INDEX `posts_updated` ON `posts` (`updated_at`);--> statement-breakpoint
CREATE TABLE `terms` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`label` text NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
