/**
 * The ingest API (routes/api.ts) as a scraper uses it: the token, every kind
 * of refusal with its status, limits, idempotence, updates reaching pages,
 * ETags and feeds, take-downs, and the one-slug-one-file rule. The token
 * must never show in a response or a log line.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { BASE } from "./helpers";

const TOKEN = "t0ken-for-tests-7c2f9a";
const AUTH = { Authorization: `Bearer ${TOKEN}` };

async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: BodyInit } = {},
  vars: Record<string, string | undefined> = { INGEST_TOKEN: TOKEN },
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, { method, headers: init.headers, body: init.body }, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const put = (name: string, text: string | Uint8Array, headers: Record<string, string> = {}) =>
  call("PUT", `/api/posts/${encodeURIComponent(name)}`, {
    headers: { ...AUTH, "Content-Type": "text/markdown", ...headers },
    body: text,
  });

function post(title: string, opts: { date?: string; category?: string; body?: string } = {}): string {
  return [
    "---",
    "layout: post",
    `title: "${title}"`,
    `date: ${opts.date ?? "2024-04-01 10:00:00 +0800"}`,
    `categories: ${opts.category ?? "apicat"}`,
    "tags: 接口测试新闻",
    "---",
    "",
    opts.body ?? `${title}的正文。`,
    "",
  ].join("\n");
}

function multipart(files: { name: string; text: string }[]): FormData {
  const form = new FormData();
  for (const f of files) form.append("file", new Blob([f.text]), f.name);
  return form;
}

async function row(slug: string) {
  return env.DB.prepare("SELECT slug, title, updated_at, file, hash FROM posts WHERE slug = ?1").bind(slug).first<{
    slug: string;
    title: string;
    updated_at: number;
    file: string | null;
    hash: string;
  }>();
}

const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, { headers });

describe("the token", () => {
  it("is required: without an INGEST_TOKEN secret the API does not exist (404)", async () => {
    for (const [method, path] of [
      ["PUT", "/api/posts/2024-04-01-a.md"],
      ["POST", "/api/posts"],
      ["DELETE", "/api/posts/2024-04-01-a.md"],
    ] as const) {
      const res = await call(method, path, { headers: AUTH, body: method === "PUT" ? post("x") : undefined }, {});
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json()) as object).toHaveProperty("error");
    }
  });

  it("answers 401 with WWW-Authenticate: Bearer when it is missing or wrong, and writes nothing", async () => {
    const tries: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
      { Authorization: TOKEN },
      { Authorization: `Basic ${btoa(`x:${TOKEN}`)}` },
    ];
    for (const headers of tries) {
      const res = await call("PUT", "/api/posts/2024-04-01-API000001.md", { headers, body: post("未授权") });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer\b/);
    }
    expect(await row("API000001")).toBeNull();
  });

  it("never shows in a response or a log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const bodies: string[] = [];
    const tries: [string, string, Record<string, string>, BodyInit | undefined][] = [
      ["PUT", "/api/posts/2024-04-01-API000002.md", AUTH, post("令牌")],
      ["PUT", "/api/posts/2024-04-01-API000003.md", AUTH, "not a post"],
      ["PUT", "/api/posts/2024-04-01-API000004.md", { Authorization: `Bearer ${TOKEN}x` }, post("错")],
      ["POST", "/api/posts", AUTH, "garbage"],
      ["DELETE", "/api/posts/2024-04-01-API999999.md", AUTH, undefined],
    ];
    for (const [method, path, headers, body] of tries) {
      const res = await call(method, path, { headers, body });
      bodies.push(JSON.stringify([...res.headers]), await res.text());
    }
    vi.restoreAllMocks();
    for (const text of [...bodies, ...lines]) expect(text).not.toContain(TOKEN.slice(0, 12));
  });
});

describe("PUT /api/posts/{file}", () => {
  it("inserts: 201 with Location, the post served at once, and the same bytes again change nothing", async () => {
    const text = post("接口发布的新消息");
    const res = await put("2024-04-01-API000010.md", text);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { status: string; url: string; warnings: string[]; reason: string | null };
    expect(body).toMatchObject({ status: "inserted", url: `${BASE}/apicat/2024/04/01/API000010.html`, reason: null });
    expect(res.headers.get("Location")).toBe(body.url);
    const page = await get("/apicat/2024/04/01/API000010.html");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("接口发布的新消息");
    expect((await row("API000010"))?.file).toBe("2024-04-01-API000010.md");

    const before = await row("API000010");
    const head = await env.DB.prepare("SELECT max(seq) AS s FROM cache_changes").first<{ s: number }>();
    const again = await put("2024-04-01-API000010.md", text);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe("unchanged");
    expect(await row("API000010")).toEqual(before);
    expect(await env.DB.prepare("SELECT max(seq) AS s FROM cache_changes").first<{ s: number }>()).toEqual(head);
  });

  it("updates: 200, and the page, its ETag and the feeds show the new version", async () => {
    await put("2024-04-01-API000011.md", post("旧标题"));
    const page1 = await get("/apicat/2024/04/01/API000011.html");
    const etag = page1.headers.get("ETag");
    await page1.text();
    const res = await put("2024-04-01-API000011.md", post("新标题"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("updated");
    const page2 = await get("/apicat/2024/04/01/API000011.html", { "If-None-Match": etag ?? "" });
    expect(page2.status).toBe(200);
    expect(page2.headers.get("ETag")).not.toBe(etag);
    expect(await page2.text()).toContain("新标题");
    const feed = await (await get("/category/apicat/atom.xml")).text();
    expect(feed).toContain("新标题");
    expect(feed).not.toContain("旧标题");
  });

  it.each([
    ["a name that is not a post file", "notes.txt", post("x"), {}, 400],
    ["a name without a slug", "2024-04-01.md", post("x"), {}, 400],
    [
      "a body that is not text (NUL bytes)",
      "2024-04-01-API000020.md",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
      {},
      415,
    ],
    ["a non-text Content-Type", "2024-04-01-API000021.md", post("x"), { "Content-Type": "image/png" }, 415],
    ["invalid UTF-8", "2024-04-01-API000022.md", new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]), {}, 422],
    ["no front matter", "2024-04-01-API000023.md", "just text\n", {}, 422],
    ["an empty file", "2024-04-01-API000024.md", "", {}, 422],
  ] as [string, string, string | Uint8Array, Record<string, string>, number][])(
    "refuses %s",
    async (_what, name, body, headers, status) => {
      const res = await put(name, body, headers);
      expect(res.status).toBe(status);
      const json = (await res.json()) as { reason?: string; error?: string; status?: string };
      expect(json.reason ?? json.error).toBeTruthy();
      const slug = name.replace(/^\d{4}-\d{2}-\d{2}-?/, "").replace(/\.\w+$/, "");
      if (slug) expect(await row(slug)).toBeNull();
    },
  );

  it("refuses a file over D1's 2 MB row limit with 413", async () => {
    const huge = post("大", { body: "长".repeat(700_000) });
    const res = await put("2024-04-01-API000025.md", huge);
    expect(res.status).toBe(413);
    expect(await row("API000025")).toBeNull();
  });

  it("refuses a second file claiming a stored slug with 409, naming the first", async () => {
    expect((await put("2024-04-01-API000030.md", post("第一个"))).status).toBe(201);
    const res = await put("2024-04-02-API000030.md", post("第二个", { date: "2024-04-02 10:00:00 +0800" }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { reason: string }).reason).toContain("2024-04-01-API000030.md");
    expect((await row("API000030"))?.title).toBe("第一个");
  });
});

describe("POST /api/posts (multipart)", () => {
  it("publishes a batch and answers with the seed's report", async () => {
    const form = multipart([
      { name: "2024-04-03-API000040.md", text: post("批量一", { date: "2024-04-03 09:00:00 +0800" }) },
      { name: "2024-04-03-API000041.md", text: post("批量二", { date: "2024-04-03 09:01:00 +0800" }) },
      { name: "2024-04-03-API000042.md", text: "broken" },
    ]);
    const res = await call("POST", "/api/posts", { headers: AUTH, body: form });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual([
      "inserted",
      "rejected",
      "scanned",
      "skipped",
      "unchanged",
      "updated",
      "warnings",
    ]);
    expect(report).toMatchObject({ scanned: 3, inserted: 2, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([{ file: "2024-04-03-API000042.md", reason: expect.stringMatching(/front matter/) }]);
    expect((await row("API000041"))?.title).toBe("批量二");
  });

  it("refuses every file of a slug claimed twice in one batch", async () => {
    const form = multipart([
      { name: "2024-04-03-API000050.md", text: post("甲") },
      { name: "2024-04-04-API000050.md", text: post("乙") },
    ]);
    const report = (await (await call("POST", "/api/posts", { headers: AUTH, body: form })).json()) as {
      rejected: { reason: string }[];
    };
    expect(report.rejected).toHaveLength(2);
    expect(report.rejected[0]?.reason).toMatch(/claimed by 2 files/);
    expect(await row("API000050")).toBeNull();
  });

  it("writes nothing with ?dry_run=1, and reports what it would do", async () => {
    const form = multipart([{ name: "2024-04-05-API000060.md", text: post("演练") }]);
    const report = (await (await call("POST", "/api/posts?dry_run=1", { headers: AUTH, body: form })).json()) as {
      inserted: number;
    };
    expect(report.inserted).toBe(1);
    expect(await row("API000060")).toBeNull();
  });

  it("names the limit it refuses: files (INGEST_MAX_FILES), bytes (INGEST_MAX_BYTES), not multipart", async () => {
    const three = multipart([1, 2, 3].map((i) => ({ name: `2024-04-06-API00007${i}.md`, text: post(`限${i}`) })));
    const files = await call(
      "POST",
      "/api/posts",
      { headers: AUTH, body: three },
      { INGEST_TOKEN: TOKEN, INGEST_MAX_FILES: "2" },
    );
    expect(files.status).toBe(413);
    expect(((await files.json()) as { error: string }).error).toMatch(/at most 2 files \(INGEST_MAX_FILES\)/);
    const big = multipart([{ name: "2024-04-06-API000074.md", text: post("大", { body: "长".repeat(60_000) }) }]);
    const bytes = await call(
      "POST",
      "/api/posts",
      { headers: AUTH, body: big },
      { INGEST_TOKEN: TOKEN, INGEST_MAX_BYTES: "100000" },
    );
    expect(bytes.status).toBe(413);
    expect(((await bytes.json()) as { error: string }).error).toMatch(/at most 100000 bytes \(INGEST_MAX_BYTES\)/);
    const plain = await call("POST", "/api/posts", { headers: { ...AUTH, "Content-Type": "text/plain" }, body: "x" });
    expect(plain.status).toBe(415);
    for (const slug of ["API000071", "API000074"]) expect(await row(slug)).toBeNull();
  });
});

describe("DELETE /api/posts/{file}", () => {
  it("takes a post down: its page, share link and feed entry go; a later PUT brings it back", async () => {
    const text = post("将被撤下", { category: "downcat", date: "2024-04-07 10:00:00 +0800" });
    await put("2024-04-07-NW202404070000000001.md", text);
    expect((await get("/downcat/2024/04/07/NW202404070000000001.html")).status).toBe(200);
    const res = await call("DELETE", "/api/posts/2024-04-07-NW202404070000000001.md", { headers: AUTH });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("deleted");
    expect((await get("/downcat/2024/04/07/NW202404070000000001.html")).status).toBe(404);
    expect((await get("/html_News/NewsShare.html?infoCode=NW202404070000000001")).status).toBe(404);
    expect(await (await get("/feed.xml")).text()).not.toContain("将被撤下");
    expect((await get("/category/downcat.html")).status).toBe(404);
    expect((await call("DELETE", "/api/posts/2024-04-07-NW202404070000000001.md", { headers: AUTH })).status).toBe(404);
    expect((await put("2024-04-07-NW202404070000000001.md", text)).status).toBe(201);
    expect((await get("/downcat/2024/04/07/NW202404070000000001.html")).status).toBe(200);
  });

  it("refuses to take down a post through another file's name (409)", async () => {
    await put("2024-04-08-API000080.md", post("留下"));
    const res = await call("DELETE", "/api/posts/2024-04-09-API000080.md", { headers: AUTH });
    expect(res.status).toBe(409);
    expect(await row("API000080")).not.toBeNull();
  });
});

describe("database trouble", () => {
  it("is JSON for the API: 503 with Retry-After, a migration hint for a missing table, no stack", async () => {
    const broken = (message: string) =>
      ({
        prepare() {
          throw new Error(message);
        },
        batch() {
          throw new Error(message);
        },
      }) as unknown as D1Database;
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const [message, hint] of [
      ["D1_ERROR: no such table: posts: SQLITE_ERROR", /apply the migrations/],
      ["D1_ERROR: Network connection lost.", /unavailable; try again/],
    ] as const) {
      const ctx = createExecutionContext();
      const res = await app.request(
        `${BASE}/api/posts/2024-04-01-API000100.md`,
        { method: "PUT", headers: { ...AUTH, "Content-Type": "text/markdown" }, body: post("故障") },
        { ...env, INGEST_TOKEN: TOKEN, DB: broken(message) },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("30");
      const body = (await res.json()) as { error: string; requestId: string };
      expect(body.error).toMatch(hint);
      expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|SQLITE_ERROR/);
    }
    vi.restoreAllMocks();
  });
});

describe("the rest of /api/", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gives the stored hash of each slug asked about", async () => {
    await put("2024-04-10-API000090.md", post("散列"));
    const res = await call("POST", "/api/hashes", {
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ slugs: ["API000090", "no-such-slug"] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { hashes: Record<string, string>; state: string };
    expect(body.hashes).toEqual({ API000090: (await row("API000090"))?.hash });
    // The database's epoch and change-log head: it moves with every write.
    // One "epoch:head" per database of the setup.
    expect(body.state).toMatch(/^\d+:\d+(\|\d+:\d+)*$/);
    await put("2024-04-10-API000091.md", post("又一篇"));
    const after = (await (
      await call("POST", "/api/hashes", { headers: { ...AUTH, "Content-Type": "application/json" }, body: '{"slugs":[]}' })
    ).json()) as { state: string };
    expect(after.state).not.toBe(body.state);
    expect(after.state.split(":")[0]).toBe(body.state.split(":")[0]);
  });

  it("answers other methods with 405 and Allow, unknown paths with 404, and keeps GET-only outside /api/", async () => {
    const list = await call("GET", "/api/posts", { headers: AUTH });
    expect(list.status).toBe(405);
    expect(list.headers.get("Allow")).toBe("POST");
    const one = await call("POST", "/api/posts/2024-04-01-x.md", { headers: AUTH });
    expect(one.status).toBe(405);
    expect(one.headers.get("Allow")).toBe("PUT, DELETE");
    expect((await call("GET", "/api/nothing", { headers: AUTH })).status).toBe(404);
    const site = await call("PUT", "/category/apicat.html", { headers: AUTH, body: "x" });
    expect(site.status).toBe(405);
    expect(site.headers.get("Allow")).toBe("GET, HEAD");
  });
});
