/**
 * WebSub through a real `wrangler dev --test-scheduled`: posts written by the
 * real seed from outside the Worker, then the Cron Trigger (GET /__scheduled)
 * notifies a stub hub of each changed feed, once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/wrangler-dev";
import { type DevServer, runSeed, startDevServer } from "../support/dev-server";

const SITE = "https://finews.withounder.com";

function post(date: string, slug: string, category: string, tag: string): string {
  return [
    "---",
    "layout: post",
    `title: "WebSub 测试 ${slug}"`,
    `date: ${date} 09:30:00 +0800`,
    `categories: ${category}`,
    `tags: ${tag}`,
    "---",
    "",
    `正文 ${slug}。`,
    "",
  ].join("\n");
}

describe("WebSub pings from the Cron Trigger under wrangler dev", () => {
  let hub: Server;
  let dev: DevServer;
  let dir: string;
  let hubUrl: string;
  const pings: { mode: string | null; url: string | null; type: string | undefined }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    hubUrl = `http://127.0.0.1:${port}/hub`;
    hub = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        pings.push({ mode: form.get("hub.mode"), url: form.get("hub.url"), type: req.headers["content-type"] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hub.listen(port, "127.0.0.1", resolve));
    dir = mkdtempSync(join(tmpdir(), "finews-websub-"));
    dev = await startDevServer({
      seed: [join(import.meta.dirname, "../../examples/posts")],
      vars: { WEBSUB_HUB: hubUrl },
      args: ["--test-scheduled"],
    });
  });
  afterAll(async () => {
    await dev?.stop();
    await new Promise((resolve) => hub?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cron = async () => {
    pings.length = 0;
    const res = await fetch(`${dev.url}/__scheduled?cron=*+*+*+*+*`);
    expect(res.status).toBe(200);
    await res.text();
    return pings.map((p) => p.url).sort();
  };

  it("notifies the hub of each feed a seed changed, once", async () => {
    // The first run starts from the newest change: the examples were there before the hub was.
    expect(await cron()).toEqual([]);
    writeFileSync(join(dir, "2026-11-30-websub-a.md"), post("2026-11-30", "websub-a", "websubcat", "WebSub标签"));
    writeFileSync(join(dir, "2026-11-30-websub-b.md"), post("2026-11-30", "websub-b", "websubcat", "WebSub标签"));
    const seeded = runSeed(["--persist-to", dev.persistDir, "--json", dir]);
    expect(seeded.report?.inserted, seeded.stderr).toBe(2);

    const tag = encodeURIComponent("WebSub标签");
    expect(await cron()).toEqual(
      [
        `${SITE}/feed.xml`,
        `${SITE}/rss.xml`,
        `${SITE}/feed.json`,
        `${SITE}/category/websubcat/atom.xml`,
        `${SITE}/category/websubcat/rss.xml`,
        `${SITE}/category/websubcat/feed.json`,
        `${SITE}/feed/websubcat.xml`,
        `${SITE}/tag/${tag}/atom.xml`,
        `${SITE}/tag/${tag}/rss.xml`,
        `${SITE}/tag/${tag}/feed.json`,
        `${SITE}/feed/by_tag/${tag}.xml`,
      ].sort(),
    );
    for (const p of pings) {
      expect(p.mode).toBe("publish");
      expect(p.type).toBe("application/x-www-form-urlencoded");
    }
    // Nothing changed since: nothing to say.
    expect(await cron()).toEqual([]);
    // The same files again: unchanged, so no write and no ping.
    expect(runSeed(["--persist-to", dev.persistDir, "--json", dir]).report?.unchanged).toBe(2);
    expect(await cron()).toEqual([]);
  });

  it("the feeds it names advertise the same hub", async () => {
    const res = await fetch(`${dev.url}/category/websubcat/atom.xml`);
    // The feed on SITE_URL, which wrangler dev shows on its own origin (it maps its upstream in headers).
    const self = ["https://finews.withounder.com/category/websubcat/atom.xml", `${dev.url}/category/websubcat/atom.xml`];
    expect(self.map((u) => `<${hubUrl}>; rel="hub", <${u}>; rel="self"`)).toContain(res.headers.get("link"));
    expect(await res.text()).toContain('rel="hub"');
  });
});
