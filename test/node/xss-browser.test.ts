/**
 * Every known XSS vector, stored as a post body and as a post title by the
 * real seed script, rendered by the real Worker under `wrangler dev`, loaded in
 * Debian's Chromium: no script runs (no dialog, no flag, no navigation) and
 * the console stays clean. Pages are checked twice: with our CSP (as served)
 * and with CSP bypassed, so the sanitizer and the escaping are proven on their own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, HAVE_CHROMIUM, launchChromium } from "../support/chromium";
import { requires } from "../support/requires";
import { type DevServer, startDevServer } from "../support/dev-server";
import { XSS_VECTORS } from "../support/xss-vectors";

interface Seeded {
  slug: string;
  vector: string;
  as: "body" | "title";
}

function writeCorpus(dir: string): Seeded[] {
  const out: Seeded[] = [];
  XSS_VECTORS.forEach((v, i) => {
    const minute = String(i % 60).padStart(2, "0");
    const hour = String(10 + Math.floor(i / 60)).padStart(2, "0");
    const body = `xss-b${i}`;
    writeFileSync(
      join(dir, `2024-05-01-${body}.md`),
      `---\nlayout: post\ntitle: "XSS body ${i}"\ndate: 2024-05-01 ${hour}:${minute}:00 +0800\ncategories: xss\ntags: XSS测试\n---\n\n${v.html}\n\n<http://example.com/source/${i}>\n`,
    );
    out.push({ slug: body, vector: v.name, as: "body" });
    const title = `xss-t${i}`;
    // The scraper wrote titles unescaped inside double quotes, exactly like this.
    writeFileSync(
      join(dir, `2024-05-02-${title}.md`),
      `---\nlayout: post\ntitle: "${v.html.replace(/\n/g, " ")}"\ndate: 2024-05-02 ${hour}:${minute}:00 +0800\ncategories: xss\ntags: XSS测试\n---\n\n正文 ${i}。\n`,
    );
    out.push({ slug: title, vector: v.name, as: "title" });
  });
  return out;
}

interface Watch {
  dialogs: number;
  errors: string[];
  navigations: string[];
}

function watch(page: Page, origin: string): Watch {
  const w: Watch = { dialogs: 0, errors: [], navigations: [] };
  page.on("dialog", (d) => {
    w.dialogs++;
    void d.dismiss();
  });
  page.on("pageerror", (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Third-party images cannot load here (no network); that is not our page's error.
    const loc = m.location().url ?? "";
    if (/^Failed to load resource/.test(m.text()) && loc && !loc.startsWith(origin)) return;
    w.errors.push(m.text());
  });
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) w.navigations.push(f.url());
  });
  return w;
}

requires("xss", `Chromium at ${CHROMIUM}`, HAVE_CHROMIUM, "apt-get install chromium, or set CHROMIUM_PATH");

describe.skipIf(!HAVE_CHROMIUM)(
  `XSS vectors in a real browser (${XSS_VECTORS.length} vectors, each as body and as title)`,
  () => {
    let server: DevServer;
    let browser: Browser;
    let seeded: Seeded[];
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "finews-xss-"));
      seeded = writeCorpus(dir);
      server = await startDevServer({ seed: [dir] });
      browser = await launchChromium({ offline: true });
      console.log(`xss: ${XSS_VECTORS.length} vectors, ${seeded.length} posts`);
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** One tab per context, reused: listeners report into the current visit's record. */
    async function tab(context: BrowserContext) {
      const page = await context.newPage();
      const w = watch(page, server.url);
      const reset = () => {
        w.dialogs = 0;
        w.errors.length = 0;
        w.navigations.length = 0;
      };
      return {
        async open(url: string) {
          reset();
          const res = await page.goto(url, { waitUntil: "load" });
          expect(res?.status(), url).toBe(200);
          await page.mouse.move(200, 300);
          await page.waitForTimeout(20);
          const flag = await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
          return { ...w, errors: [...w.errors], flag, finalUrl: page.url() };
        },
      };
    }

    function assertInert(r: Watch & { flag: unknown; finalUrl: string }, url: string, label: string, checkConsole: boolean) {
      expect(r.flag, `${label}: payload set window.__xss on ${url}`).toBeUndefined();
      expect(r.dialogs, `${label}: dialog opened on ${url}`).toBe(0);
      expect(r.finalUrl, `${label}: navigated away from ${url}`).toBe(url);
      if (checkConsole) expect(r.errors, `${label}: console errors on ${url}`).toEqual([]);
    }

    it("article pages: nothing runs, with our CSP and with CSP bypassed; no console errors", async () => {
      const served = await browser.newContext();
      const bypass = await browser.newContext({ bypassCSP: true });
      const [a, b] = [await tab(served), await tab(bypass)];
      let checked = 0;
      for (const s of seeded) {
        const day = s.as === "body" ? "01" : "02";
        const url = `${server.url}/xss/2024/05/${day}/${s.slug}.html`;
        assertInert(await a.open(url), url, `${s.vector} as ${s.as}`, true);
        assertInert(await b.open(url), url, `${s.vector} as ${s.as} (CSP bypassed)`, false);
        checked++;
      }
      expect(checked).toBe(XSS_VECTORS.length * 2);
      await served.close();
      await bypass.close();
    }, 600_000);

    it("category and tag pages, every page of them: nothing runs", async () => {
      const bypass = await browser.newContext({ bypassCSP: true });
      const served = await browser.newContext();
      const [a, b] = [await tab(served), await tab(bypass)];
      for (const start of [`${server.url}/category/xss.html`, `${server.url}/tag/${encodeURIComponent("XSS测试")}.html`]) {
        let url: string | null = start;
        let pages = 0;
        while (url) {
          assertInert(await a.open(url), url, "list page", true);
          assertInert(await b.open(url), url, "list page (CSP bypassed)", false);
          const html = await (await fetch(url)).text();
          const next = /<a href="([^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
          url = next ? new URL(next, server.url).toString() : null;
          pages++;
        }
        expect(pages).toBe(Math.ceil(seeded.length / 30));
      }
      await bypass.close();
      await served.close();
    }, 300_000);
  },
);
