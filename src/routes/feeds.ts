/**
 * @module routes/feeds
 * (being written) Site, category and tag feeds.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const feeds = new Hono<AppEnv>();
