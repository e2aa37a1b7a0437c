/**
 * @module test/support/site-config
 * The site settings of wrangler.toml as a SiteConfig, for tests that call the
 * renderers directly (in workerd and in Node alike).
 */
import type { SiteConfig } from "../../src/config";

export const SITE_CONFIG: SiteConfig = {
  siteUrl: "https://finews.withounder.com",
  title: "金融消息",
  lang: "zh-CN",
  timeZone: "Asia/Shanghai",
  author: "ZNing",
  shareFallbackOrigin: null,
  feedWindowHours: 24,
  feedMaxItems: 1000,
  feedFullItems: 20,
  websubHub: null,
  ingestMaxFiles: 50,
  ingestMaxBytes: 8_000_000,
  archive: [{ binding: "DB", from: null }],
  archiveMaxBytes: 9_500_000_000,
};
