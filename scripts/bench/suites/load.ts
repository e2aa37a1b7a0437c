/**
 * @module scripts/bench/suites/load
 * A short load test: 64 connections for 60 s against `wrangler dev` over the
 * main database, each request drawn from real URLs of that database (articles,
 * category pages, feeds, 304 revalidations, share redirects, intended 404s;
 * lua/mixed.lua). A failure is any status other than 200/301/304/404, a socket
 * error or a timeout; the 404 responses are checked against the number of
 * intended-404 requests sent (wrk pairs neither, so at most one request per
 * connection can be in flight when it stops).
 *
 * Meanwhile posts are published through the ingest API at PUBLISH_RATE a
 * second (PUT, new files dated within the hour, so they reach the site
 * feed); afterwards every accepted post must be served at its URL: no
 * failed publish, no lost post.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Ctx, ensureMainDb } from "../lib/context";
import { openD1File } from "../lib/d1file";
import { clearEdgeCache, startDevServer } from "../lib/devserver";
import { ROOT, WORK } from "../lib/env";
import { TICKS_PER_SECOND } from "../lib/proc";
import { spread } from "../lib/stats";
import { runWrk } from "../lib/wrk";
import { freshPosts } from "./ingest";

const TOKEN = "bench-load-token";
/** Posts a second published through the API while wrk runs. */
const PUBLISH_RATE = 12;

/** PUTs `posts` at `rate` a second until `until`; returns what the API answered for each. */
async function publishDuring(
  url: string,
  posts: { name: string; text: string }[],
  rate: number,
  until: () => boolean,
): Promise<{ name: string; status: number; location: string | null; ms: number }[]> {
  const out: { name: string; status: number; location: string | null; ms: number }[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < posts.length && !until(); i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = posts[i] as { name: string; text: string };
    const t0 = performance.now();
    pending.push(
      fetch(`${url}/api/posts/${encodeURIComponent(p.name)}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
        body: p.text,
      })
        .then(async (res) => {
          await res.arrayBuffer();
          out.push({ name: p.name, status: res.status, location: res.headers.get("Location"), ms: performance.now() - t0 });
        })
        .catch(() => void out.push({ name: p.name, status: 0, location: null, ms: performance.now() - t0 })),
    );
  }
  await Promise.all(pending);
  return out;
}

const EXPECTED: Record<string, string> = { article: "200", list: "200", feed: "200", "304": "304", share: "301", "404": "404" };

function urlList(dir: string): { kind: string; path: string }[] {
  const db = openD1File(dir);
  try {
    const total = (db.prepare("SELECT max(id) AS n FROM posts").get() as { n: number }).n;
    const step = Math.max(1, Math.floor(total / 2000));
    const posts = db
      .prepare("SELECT path, info_code FROM posts WHERE published = 1 AND published_at <= ?1 AND id % ?2 = 0 LIMIT 2000")
      .all(Date.now(), step) as { path: string; info_code: string | null }[];
    const cats = db
      .prepare(
        "SELECT t.name AS name FROM terms AS t WHERE t.kind = 'c' ORDER BY (SELECT count(*) FROM post_terms AS pt WHERE pt.kind = 'c' AND pt.key = t.key) DESC LIMIT 200",
      )
      .all() as { name: string }[];
    const out: { kind: string; path: string }[] = [];
    for (const p of posts) out.push({ kind: "article", path: p.path });
    for (const p of posts.slice(0, 500))
      if (p.info_code) out.push({ kind: "share", path: `/html_News/NewsShare.html?infoCode=${encodeURIComponent(p.info_code)}` });
    for (const c of cats) {
      const name = encodeURIComponent(c.name);
      out.push({ kind: "list", path: `/category/${name}.html` });
      for (const f of ["atom.xml", "rss.xml", "feed.json"]) out.push({ kind: "feed", path: `/category/${name}/${f}` });
    }
    out.push({ kind: "list", path: "/" }, { kind: "feed", path: "/feed.xml" });
    for (let i = 0; i < 150; i++) out.push({ kind: "404", path: `/emnews/2022/01/01/no-such-post-${i}.html` });
    for (let i = 0; i < 150; i++) out.push({ kind: "404", path: `/category/no-such-source-${i}.html` });
    return out;
  } finally {
    db.close();
  }
}

export async function loadSuite(ctx: Ctx) {
  const dir = await ensureMainDb(ctx, ROOT);
  const urls = urlList(dir);
  clearEdgeCache(dir);
  const server = await startDevServer(dir, 90_000, { INGEST_TOKEN: TOKEN });
  const toPublish = freshPosts(ctx.sizes.loadSeconds * PUBLISH_RATE + 50, "load");
  try {
    // 304s: the current ETag of some articles and feeds, from HEAD (which leaves the edge cache empty).
    const revalidate = [
      ...urls.filter((u) => u.kind === "article").slice(0, 300),
      ...urls.filter((u) => u.kind === "feed").slice(0, 200),
    ];
    const lines: string[] = urls.map((u) => `${u.kind}\t${u.path}\t`);
    for (const u of revalidate) {
      const res = await fetch(`${server.url}${u.path}`, { method: "HEAD" });
      const etag = res.headers.get("ETag");
      if (etag) lines.push(`304\t${u.path}\t${etag}`);
    }
    const file = join(WORK, "load-urls.tsv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const t0 = server.ticks();
    let wrkDone = false;
    const publishing = publishDuring(server.url, toPublish, PUBLISH_RATE, () => wrkDone);
    const res = await runWrk({
      url: server.url,
      connections: ctx.sizes.loadConnections,
      threads: 2,
      seconds: ctx.sizes.loadSeconds,
      timeoutSeconds: 10,
      script: "mixed.lua",
      scriptArgs: [file],
    });
    wrkDone = true;
    const published = await publishing;
    const t1 = server.ticks();
    // Every accepted post is served at its URL (the Location the API gave).
    const accepted = published.filter((p) => p.status === 201 && p.location);
    let lost = 0;
    for (const p of accepted) {
      const page = await fetch(`${server.url}${new URL(p.location as string).pathname}`);
      await page.arrayBuffer();
      if (page.status !== 200) lost++;
    }
    const publishFailures = published.length - accepted.length;
    const status = (res.lua?.status ?? {}) as Record<string, number>;
    const sent = (res.lua?.sent ?? {}) as Record<string, number>;
    const unexpected = Object.entries(status)
      .filter(([s]) => !Object.values(EXPECTED).includes(s))
      .reduce((n, [, v]) => n + v, 0);
    const socket = res.errors.connect + res.errors.read + res.errors.write + res.errors.timeout;
    // Every kind's responses must match what was sent of it, up to the requests in flight at the end.
    const byStatus = (s: string) =>
      Object.entries(EXPECTED)
        .filter(([, v]) => v === s)
        .reduce((n, [k]) => n + (sent[k] ?? 0), 0);
    const mismatch = [...new Set(Object.values(EXPECTED))].map((s) => ({ status: s, sent: byStatus(s), got: status[s] ?? 0 }));
    const pairedOk = mismatch.every((m) => m.got <= m.sent && m.sent - m.got <= ctx.sizes.loadConnections);
    ctx.log(
      `  load: ${res.requests} requests, ${res.rps.toFixed(0)} req/s, statuses ${JSON.stringify(status)}, socket errors ${socket}; ` +
        `published ${accepted.length}/${published.length} through the API (${(published.length / res.seconds).toFixed(1)}/s), lost ${lost}`,
    );
    return {
      urls: lines.length,
      connections: ctx.sizes.loadConnections,
      seconds: res.seconds,
      requests: res.requests,
      rps: res.rps,
      latencyMs: res.latencyMs,
      status,
      sent,
      errors: res.errors,
      unexpected,
      failures: unexpected + socket,
      statusMatch: mismatch,
      pairedOk,
      cpuMsPerRequest: (((t1.workerd - t0.workerd) / TICKS_PER_SECOND) * 1000) / res.requests,
      publishing: {
        attempted: published.length,
        perSecond: published.length / res.seconds,
        accepted: accepted.length,
        failures: publishFailures,
        lost,
        putMs: spread(published.map((p) => p.ms)),
      },
      commands: [res.command.replace(server.url, "http://127.0.0.1:PORT").replace(file, ".tmp/bench/load-urls.tsv")],
    };
  } finally {
    await server.stop();
    clearEdgeCache(dir);
  }
}
