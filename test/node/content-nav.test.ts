import { describe, expect, it } from "vitest";
import { extractTrailingNav } from "../../src/content/nav";

const HOST = "finews.withounder.com";

describe("trailing navigation with the scraper's unescaped link targets", () => {
  it("reads back-links whose target holds parentheses", () => {
    const nav = extractTrailingNav(
      "<p>正文</p>\n\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202611213301000004>\n\n[返回安信国际证券(香港)新闻](//finews.withounder.com/category/anxinguojizhengquan(xianggang).html)｜[返回首页](//finews.withounder.com/)",
      HOST,
    );
    expect(nav.body.trim()).toBe("<p>正文</p>");
    expect(nav.backLink).toBe("/category/anxinguojizhengquan(xianggang).html");
    expect(nav.shareUrl).toContain("infoCode=NW202611213301000004");
  });

  it("reads back-links whose target holds the raw string's double space", () => {
    const nav = extractTrailingNav(
      "<p>正文</p>\n\n[返回21世纪经济报道新闻](//finews.withounder.com/category/21shijijingjibaodao  nancailicaitong.html)｜[返回首页](//finews.withounder.com/)",
      HOST,
    );
    expect(nav.body.trim()).toBe("<p>正文</p>");
    expect(nav.backLink).toBe("/category/21shijijingjibaodao  nancailicaitong.html");
  });

  it("leaves a body line that only looks like navigation across lines alone", () => {
    const nav = extractTrailingNav("<p>正文</p>\n\n[返回首页](//finews.withounder.com/\n)", HOST);
    expect(nav.body).toContain("[返回首页]");
  });
});
