/**
 * The pages in a real browser (Debian's Chromium through playwright-core)
 * against a real `wrangler dev`: they render, log no console errors (CSP
 * violations included), need no JavaScript, do not overflow a phone screen,
 * follow the system's dark mode, and parse into exactly the elements their
 * markup names. Screenshots are kept under test-results/browser/.
 *
 * Third-party requests (the bodies' images on eastmoney's CDNs) are answered
 * with a local placeholder image instead of being aborted: the run stays
 * offline and deterministic, the layout shows sized images, and there is no
 * network error to filter, so every console error that remains is ours.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { CHROMIUM, HAVE_CHROMIUM, launchChromium } from "../support/chromium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../support/dev-server";
import { EXAMPLES, FIXTURES, loadFixturePosts, ROOT } from "../support/fixtures";
import { requires } from "../support/requires";

requires("browser", `Chromium at ${CHROMIUM}`, HAVE_CHROMIUM, "apt-get install chromium, or set CHROMIUM_PATH");

const SHOTS = join(ROOT, "test-results", "browser");
const ARTICLE = "/hebeixinwenwang/2026/11/21/NW202611213301000003.html";
const PLACEHOLDER =
  '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450">' +
  '<rect width="800" height="450" fill="#9aa1ab"/><path d="M300 300l80-100 60 70 40-40 80 70z" fill="#e3e3de"/></svg>';

interface Visit {
  page: Page;
  errors: string[];
  thirdParty: string[];
  /** Same-origin images that answered >= 400: links in the post's own content, not our pages. */
  brokenImages: string[];
}

describe.skipIf(!HAVE_CHROMIUM)("pages in Chromium", () => {
  let server: DevServer;
  let browser: Browser;
  let articles: { path: string; title: string }[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startDevServer({ seed: [EXAMPLES, FIXTURES] });
    const now = Date.now();
    articles = (await loadFixturePosts())
      .filter((p) => p.origin !== "real" && p.published && p.publishedAt <= now)
      .map((p) => ({ path: p.path, title: p.title }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /**
   * Opens a page, collecting console errors, page errors, our own failed requests and third-party
   * requests; `reuse` navigates an open one again, with fresh collections.
   */
  async function visit(path: string, options: BrowserContextOptions = {}, reuse?: Visit): Promise<Visit> {
    if (reuse) {
      for (const list of [reuse.errors, reuse.thirdParty, reuse.brokenImages]) list.length = 0;
      const res = await reuse.page.goto(`${server.url}${path}`, { waitUntil: "load" });
      expect(res?.status(), path).toBe(200);
      return reuse;
    }
    const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", ...options });
    const page = await context.newPage();
    const errors: string[] = [];
    const thirdParty: string[] = [];
    const brokenImages: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`console.${m.type()}: ${m.text()} @ ${m.location().url}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("response", (r) => {
      if (!r.url().startsWith(server.url) || r.status() < 400) return;
      if (r.request().resourceType() === "image") brokenImages.push(r.url());
      errors.push(`${r.status()} ${r.url()}`);
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      thirdParty.push(url);
      return route.fulfill({ status: 200, contentType: "image/svg+xml", body: PLACEHOLDER });
    });
    const res = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
    expect(res?.status(), path).toBe(200);
    return { page, errors, thirdParty, brokenImages };
  }

  it("renders an article in light mode without console errors", async () => {
    const { page, errors, thirdParty } = await visit(ARTICLE, { viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    expect(await page.locator("h1").textContent()).toBe("河北：前三季度规模以上工业增加值同比增长6.1%");
    expect(await page.locator("article time").getAttribute("datetime")).toBe("2026-11-21T10:02:44+08:00");
    expect(await page.locator("article time").textContent()).toBe("2026-11-21 10:02");
    expect(await page.locator("code.share-link").textContent()).toBe(
      "https://finews.withounder.com/html_News/NewsShare.html?infoCode=NW202611213301000003",
    );
    // the body's image came from the placeholder and is laid out within the column
    const img = page.locator("article .body img").first();
    expect(await img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth > 0)).toBe(true);
    const [imgBox, colBox] = [await img.boundingBox(), await page.locator("article").boundingBox()];
    expect((imgBox?.width ?? 0) <= (colBox?.width ?? 0) + 0.5).toBe(true);
    expect(thirdParty.some((u) => u.includes("dfcfw.com"))).toBe(true);
    // comfortable Chinese typography: a CJK face is available and lines are airy
    const body = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector("article .body p") as Element);
      return { lineHeight: Number.parseFloat(s.lineHeight) / Number.parseFloat(s.fontSize), size: Number.parseFloat(s.fontSize) };
    });
    expect(body.lineHeight).toBeGreaterThanOrEqual(1.6);
    expect(body.size).toBeGreaterThanOrEqual(16);
    expect(await page.evaluate(() => document.fonts.check("16px sans-serif", "中文"))).toBe(true);
    await page.screenshot({ path: join(SHOTS, "article-light.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("follows the system's dark mode", async () => {
    const { page, errors } = await visit(ARTICLE, { viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
    const [bg, fg] = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return [s.backgroundColor, s.color];
    });
    const lum = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number) as [number, number, number];
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    expect(lum(bg)).toBeLessThan(0.2);
    expect(lum(fg)).toBeGreaterThan(0.7);
    await page.screenshot({ path: join(SHOTS, "article-dark.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("fits a phone screen without sideways scrolling", async () => {
    for (const path of [ARTICLE, "/dongfangcaifuwang/2026/11/26/NW202611263301000012.html", "/"]) {
      const { page, errors } = await visit(path, { viewport: { width: 360, height: 780 }, isMobile: true, deviceScaleFactor: 2 });
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > width + 0.5)
          .map((e) => `${e.localName}.${e.className}: ${(e.textContent ?? "").slice(0, 40)}`);
        return { by: document.documentElement.scrollWidth - width, wide };
      });
      expect(overflow, path).toEqual({ by: 0, wide: [] });
      if (path === ARTICLE) await page.screenshot({ path: join(SHOTS, "article-mobile.png"), fullPage: true });
      expect(errors, path).toEqual([]);
      await page.context().close();
    }
  });

  it("needs no JavaScript to read", async () => {
    const { page, errors } = await visit(ARTICLE, { javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    expect(await page.locator("h1").isVisible()).toBe(true);
    expect(await page.locator("article .body").textContent()).toContain("前三季度，全省规模以上工业增加值同比增长6.1%");
    expect(await page.locator("a", { hasText: "返回河北新闻网新闻" }).last().getAttribute("href")).toBe(
      "/category/hebeixinwenwang.html",
    );
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("searches from the home page's box, and within a source from its page, with no CSP complaint", async () => {
    const v = await visit("/", { viewport: { width: 1280, height: 900 } });
    await v.page.locator('form.search input[name="q"]').fill("工业增加值");
    await Promise.all([v.page.waitForURL(/\/search\?q=/), v.page.locator('form.search input[name="q"]').press("Enter")]);
    expect(new URL(v.page.url()).searchParams.get("q")).toBe("工业增加值");
    expect(await v.page.locator('form.search input[name="q"]').inputValue()).toBe("工业增加值");
    expect(await v.page.locator("ol.posts h2 a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toContain(ARTICLE);
    expect(await v.page.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex");

    await visit("/category/hebeixinwenwang.html", {}, v);
    await v.page.locator('form.search input[name="q"]').fill("河北");
    await Promise.all([v.page.waitForURL(/\/search\?q=/), v.page.locator("form.search button").click()]);
    const url = new URL(v.page.url());
    expect([url.searchParams.get("q"), url.searchParams.get("category")]).toEqual(["河北", "hebeixinwenwang"]);
    expect(await v.page.locator("ol.posts h2 a").count()).toBeGreaterThan(0);
    expect(v.errors).toEqual([]);
    await v.page.screenshot({ path: join(SHOTS, "search.png"), fullPage: true });
  });

  it("renders the home page and shows it", async () => {
    const { page, errors } = await visit("/", { viewport: { width: 1280, height: 900 } });
    expect(await page.locator("ol.posts > li").count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: false });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("every example and fixture article parses into exactly the elements its markup names, without errors", async () => {
    let session: Visit | undefined;
    for (const { path, title } of [
      ...articles,
      { path: "/", title: "最新消息" },
      { path: "/category/emnews.html", title: "东财滚动新闻" },
    ]) {
      session = await visit(path, { viewport: { width: 1024, height: 800 } }, session);
      const { page, errors, brokenImages } = session;
      expect(((await page.locator("h1").textContent()) ?? "").trim(), path).toBe(title);
      // Hostile fixtures carry relative <img src="x">: their 404s are the content's, reported, not failed.
      const ours = errors.filter((e) => !brokenImages.some((u) => e.endsWith(u)));
      if (brokenImages.length) console.log(`${path}: content images missing: ${brokenImages.join(", ")}`);
      const source = await (await fetch(`${server.url}${path}`)).text();
      // Start tags in the markup (ld+json escapes every '<'), against the elements the parser built;
      // misnested markup makes the parser imply elements (an extra <p>, a split <a>), which this catches.
      // <tbody> is the one element HTML5 implies on purpose, so it is left out of both counts.
      const named = (source.match(/<[a-zA-Z][a-zA-Z0-9]*/g) ?? []).filter((t) => t.toLowerCase() !== "<tbody").length;
      const built = await page.evaluate(() => [...document.querySelectorAll("*")].filter((e) => e.localName !== "tbody").length);
      expect(built, path).toBe(named);
      expect(ours, path).toEqual([]);
    }
    await session?.page.context().close();
  });
});
