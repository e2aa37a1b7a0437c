CREATE INDEX `posts_slug_hash` ON `posts` (`slug`,`hash`);--> statement-breakpoint
-- A random number naming this database, so a tool that remembers what it wrote here (the seed's manifest) can tell it from a database made afresh.
INSERT OR IGNORE INTO `state` (`name`, `value`) VALUES ('epoch', abs(random()) % 9007199254740991);
