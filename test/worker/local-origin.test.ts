/**
 * Under `wrangler dev` requests come to a loopback host: links, redirects,
 * canonicals and feed URLs must use that origin, so browsing a local copy
 * never lands on production; every other host keeps SITE_URL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, get, makePost, seedPosts } from "./helpers";

const CODE = "NW202401020000000001";

beforeAll(async () => {
  await seedPosts([
    makePost({
      slug: CODE,
      infoCode: CODE,
      path: `/localcat/2024/01/02/${CODE}.html`,
      categories: ["localcat"],
      categoriesRaw: "localcat",
      bodyHtml: '<p>正文 <a href="/localcat/">返回</a></p>',
    }),
  ]);
});

const LOCAL = ["http://localhost:8787", "http://127.0.0.1:41234", "http://[::1]:8787", "http://finews.localhost:8787"];

describe.each(LOCAL)("requests to %s", (origin) => {
  it("redirect within it: back-links, share links, old spellings", async () => {
    const back = await get(`${origin}/localcat/`);
    expect(back.status).toBe(301);
    expect(back.headers.get("Location")).toBe(`${origin}/category/localcat.html`);
    const share = await get(`${origin}/html_News/NewsShare.html?infoCode=${CODE}`);
    expect(share.status).toBe(301);
    expect(share.headers.get("Location")).toBe(`${origin}/localcat/2024/01/02/${CODE}.html`);
  });

  it("name it as canonical and in the page head", async () => {
    const html = await (await get(`${origin}/localcat/2024/01/02/${CODE}.html`)).text();
    expect(html).toContain(`<link rel="canonical" href="${origin}/localcat/2024/01/02/${CODE}.html"/>`);
    expect(html).toContain(`href="${origin}/feed.xml"`);
    expect(html).not.toContain(BASE);
  });

  it("serve feeds whose every URL is on it", async () => {
    for (const path of ["/feed.xml", "/rss.xml", "/feed.json", "/category/localcat/atom.xml", "/feeds.opml"]) {
      const body = await (await get(`${origin}${path}`)).text();
      expect(body, path).toContain(origin);
      expect(body, path).not.toContain("finews.withounder.com");
    }
  });
});

describe("every other host", () => {
  it.each([BASE, "https://finews.example.workers.dev", "http://finews.zning.xyz"])(
    "links to SITE_URL from %s",
    async (origin) => {
      const back = await get(`${origin}/localcat/`);
      expect(back.headers.get("Location")).toBe(`${BASE}/category/localcat.html`);
      const share = await get(`${origin}/html_News/NewsShare.html?infoCode=${CODE}`);
      expect(share.headers.get("Location")).toBe(`${BASE}/localcat/2024/01/02/${CODE}.html`);
      const feed = await (await get(`${origin}/feed.xml`)).text();
      expect(feed).toContain(`<link rel="self" href="${BASE}/feed.xml"/>`);
    },
  );

  it("keeps separate validators for a local and the deployed rendering", async () => {
    const a = (await get(`${BASE}/feed.xml`)).headers.get("ETag");
    const b = (await get("http://localhost:8787/feed.xml")).headers.get("ETag");
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(a).not.toBe(b);
  });
});
