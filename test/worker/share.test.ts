/**
 * The old share links `/html_News/NewsShare.html?infoCode=…`: every post's
 * code answers 301 to its article; unknown codes 302 to SHARE_FALLBACK_ORIGIN
 * (when set) or 404; anything malformed 400, and no input ever reaches a
 * Location header or the page.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { BASE, fixturePosts, get, seedPosts } from "./helpers";

const FALLBACK = "https://old.example";
const now = Date.now();
const all = fixturePosts();
const visible = all.filter((p) => p.published && p.publishedAt <= now && p.infoCode);
const hidden = all.filter((p) => (!p.published || p.publishedAt > now) && p.infoCode);
const UNKNOWN = "NW209912312399999999";

/** The same request through the app with other vars, the way `wrangler dev --var` would set them. */
async function withVars(path: string, vars: Partial<Env>, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(path.startsWith("http") ? path : `${BASE}${path}`, init, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const withFallback = (path: string) => withVars(path, { SHARE_FALLBACK_ORIGIN: FALLBACK });

/** A Location may only point at our own site or the configured fallback's share page with a clean code. */
function assertSafeLocation(res: Response, label: string) {
  const loc = res.headers.get("Location");
  if (loc === null) return;
  expect(loc, label).not.toMatch(/[\r\n\t\\@\s]/);
  const url = new URL(loc);
  if (url.origin === BASE) {
    expect(url.pathname.startsWith("/"), label).toBe(true);
    expect(url.search, label).toBe("");
  } else {
    expect(url.origin, label).toBe(FALLBACK);
    expect(url.pathname, label).toBe("/html_News/NewsShare.html");
    expect(url.search, label).toMatch(/^\?infoCode=[A-Z]{0,4}[0-9]{6,24}$/);
  }
}

beforeAll(async () => {
  await seedPosts(all);
});

describe("known codes", () => {
  it("the fixtures carry share codes, visible and hidden", () => {
    expect(visible.length).toBeGreaterThanOrEqual(5);
    expect(hidden.length).toBeGreaterThanOrEqual(2);
  });

  it.each(visible.map((p) => [p.infoCode, p] as const))("%s answers 301 to its article", async (code, post) => {
    const variants = [
      `/html_News/NewsShare.html?infoCode=${code}`,
      `/html_news/newsshare.html?infocode=${code}`,
      `/HTML_NEWS/NEWSSHARE.HTML?INFOCODE=${code?.toLowerCase()}`,
      `/html_News/NewsShare.html?from=timeline&infoCode=${code}&isappinstalled=0`,
    ];
    for (const v of variants) {
      for (const res of [await get(v), await withFallback(v)]) {
        expect(res.status, v).toBe(301);
        expect(res.headers.get("Location"), v).toBe(`${BASE}${post.path}`);
        assertSafeLocation(res, v);
      }
    }
    const article = await get(`${BASE}${post.path}`);
    expect(article.status).toBe(200);
  });

  it("keeps hidden posts' codes 404 when no fallback is set", async () => {
    for (const post of hidden) {
      const res = await get(`/html_News/NewsShare.html?infoCode=${post.infoCode}`);
      expect(res.status, post.file).toBe(404);
      expect(res.headers.get("Location")).toBeNull();
      expect(await res.text()).not.toContain(post.title);
    }
  });
});

describe("well-formed unknown codes", () => {
  it("answer a 404 page without SHARE_FALLBACK_ORIGIN", async () => {
    const res = await get(`/html_News/NewsShare.html?infoCode=${UNKNOWN}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Location")).toBeNull();
    expect(await res.text()).toContain("页面不存在");
  });

  it("answer 302 to the fallback's share page with SHARE_FALLBACK_ORIGIN", async () => {
    for (const [code, expected] of [
      [UNKNOWN, UNKNOWN],
      ["nw209912312399999999", UNKNOWN],
      ["202611203301999999", "202611203301999999"],
      ["ABCD123456", "ABCD123456"],
    ]) {
      const res = await withFallback(`/html_News/NewsShare.html?infoCode=${code}`);
      expect(res.status, code).toBe(302);
      expect(res.headers.get("Location")).toBe(`${FALLBACK}/html_News/NewsShare.html?infoCode=${expected}`);
      expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    }
  });

  it("keep hidden posts' codes 404 even with SHARE_FALLBACK_ORIGIN (they are ours, just not due)", async () => {
    for (const post of hidden) {
      const res = await withFallback(`/html_News/NewsShare.html?infoCode=${post.infoCode}`);
      expect(res.status, post.infoCode ?? "").toBe(404);
      expect(res.headers.get("Location")).toBeNull();
    }
  });

  it("do not follow a fallback origin that carries a path, query or credentials: the config is refused", async () => {
    for (const bad of [
      "https://old.example/x",
      "https://u:p@old.example",
      "javascript:alert(1)",
      "//old.example",
      "old.example",
    ]) {
      const res = await withVars(`/html_News/NewsShare.html?infoCode=${UNKNOWN}`, { SHARE_FALLBACK_ORIGIN: bad });
      expect(res.status, bad).toBe(500);
      expect(res.headers.get("Location")).toBeNull();
      const text = await res.text();
      expect(text).toContain("SHARE_FALLBACK_ORIGIN");
      // A misconfigured value is named, never echoed: it may carry credentials.
      expect(text).not.toContain("u:p@");
    }
  });
});

/** Query strings (after `?`) that must never redirect. [label, query, status] */
const HOSTILE: [string, string, number][] = [
  ["missing parameter", "", 400],
  ["empty value", "infoCode=", 400],
  ["CR/LF header injection", "infoCode=NW202611213301000003%0d%0aSet-Cookie:%20x=1", 400],
  ["bare %0d%0a", "infoCode=%0d%0a", 400],
  ["LF only", "infoCode=NW202611213301000003%0aLocation:%20https://evil.example", 400],
  ["NUL", "infoCode=NW202611213301000003%00", 400],
  ["percent-encoded slashes", "infoCode=NW2026%2F..%2F..%2Fevil", 400],
  ["encoded protocol-relative", "infoCode=%2F%2Fevil.example", 400],
  ["protocol-relative", "infoCode=//evil.example", 400],
  ["backslashes", "infoCode=%5C%5Cevil.example", 400],
  ["raw backslashes", "infoCode=\\\\evil.example", 400],
  ["userinfo", "infoCode=@evil.example", 400],
  ["code then userinfo", "infoCode=NW202611213301000003@evil.example", 400],
  ["absolute URL", "infoCode=https://evil.example/", 400],
  ["markup", "infoCode=%3Cscript%3Ealert(1)%3C/script%3E", 400],
  ["quotes", "infoCode=NW2026%22%3E%3Cimg%20src=x%3E", 400],
  ["plus as space", "infoCode=NW202611213301000003+", 400],
  ["trailing space", "infoCode=NW202611213301000003%20", 400],
  ["five letters", "infoCode=ABCDE202611213301", 400],
  ["five digits", "infoCode=NW12345", 400],
  ["25 digits", `infoCode=NW${"1".repeat(25)}`, 400],
  ["Arabic-Indic digits", `infoCode=${encodeURIComponent("NW٢٠٢٦١١٢١٣٣٠١٠٠٠٠٠٣")}`, 400],
  ["fullwidth digits", `infoCode=${encodeURIComponent("NW２０２６１１２１３３０１０００００３")}`, 400],
  ["fullwidth letters", `infoCode=${encodeURIComponent("ＮＷ202611213301000003")}`, 400],
  ["Devanagari digits", `infoCode=${encodeURIComponent("१२३४५६७८")}`, 400],
  ["repeated parameter", "infoCode=NW202611213301000003&infoCode=NW202611213301000004", 400],
  ["repeated identical parameter", "infoCode=NW202611213301000003&infoCode=NW202611213301000003", 400],
  ["repeated in other case", "infoCode=NW202611213301000003&INFOCODE=NW202611213301000003", 400],
  ["array parameter", "infoCode[]=NW202611213301000003", 400],
  ["indexed array parameter", "infoCode[0]=NW202611213301000003", 400],
  ["array and scalar", "infoCode[]=x&infoCode=NW202611213301000003&infoCode=y", 400],
  ["uppercase %0D%0A", "infoCode=NW202611213301000003%0D%0ALocation:%20//evil.example", 400],
  ["encoded tab", "infoCode=NW2026%0911213301000003", 400],
  ["javascript: scheme", "infoCode=javascript:alert(1)", 400],
  ["data: scheme", "infoCode=data:text/html,%3Cscript%3Ealert(1)%3C/script%3E", 400],
  ["double-encoded slashes", "infoCode=%252F%252Fevil.example", 400],
  ["dot-dot traversal", "infoCode=..%2F..%2F..%2Fevil.example", 400],
  ["fullwidth solidus", `infoCode=${encodeURIComponent("／／evil.example")}`, 400],
  ["overlong UTF-8 slash", "infoCode=%C0%AF%C0%AFevil.example", 400],
  ["zero-width space inside", `infoCode=${encodeURIComponent("NW2026\u200b11213301000003")}`, 400],
  ["RTL override", `infoCode=${encodeURIComponent("\u202eNW202611213301000003")}`, 400],
  ["emoji digits", `infoCode=${encodeURIComponent("NW2️⃣0️⃣2️⃣6️⃣1️⃣1️⃣")}`, 400],
  ["negative number", "infoCode=-202611213301000003", 400],
  ["hex-looking", "infoCode=0x202611213301", 400],
  ["exponent", "infoCode=1e202611", 400],
  ["semicolon separator", "infoCode=NW202611213301000003;evil.example", 400],
  ["parameter name with a space", "info%20Code=NW202611213301000003", 400],
  ["parameter name with CR/LF", "infoCode%0d%0a=NW202611213301000003", 400],
  ["only other parameters", "code=NW202611213301000003&id=1", 400],
  ["8 KB value", `infoCode=NW${"9".repeat(8 * 1024)}`, 414],
  ["10 KB value", `infoCode=${"A".repeat(10 * 1024)}`, 414],
  ["10 KB of other parameters", `x=${"A".repeat(10 * 1024)}&infoCode=NW202611213301000003`, 414],
];

describe("hostile input", () => {
  it.each(HOSTILE)("%s → %i, no redirect, nothing echoed", async (label, query, status) => {
    for (const path of ["/html_News/NewsShare.html", "/HTML_NEWS/newsshare.HTML"]) {
      const url = `${path}${query ? `?${query}` : ""}`;
      for (const res of [await get(url), await withFallback(url)]) {
        expect(res.status, label).toBe(status);
        expect(res.headers.get("Location"), label).toBeNull();
        expect(res.headers.get("Content-Type"), label).toMatch(/^text\/html/);
        expect(res.headers.get("Cache-Control"), label).toBe("no-store");
        expect(res.headers.get("Content-Security-Policy"), label).toContain("script-src 'none'");
        const body = await res.text();
        expect(body).not.toMatch(/evil\.example|<script>|<img src=x|Set-Cookie|alert\(1\)/i);
        for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toMatch(/evil|Set-Cookie: x/i);
      }
    }
  });

  it("drops raw tabs and newlines the URL parser strips, leaving the clean code", async () => {
    const post = visible[0];
    // The WHATWG URL parser removes tab, CR and LF before the Worker sees the URL.
    const res = await get(
      `${BASE}/html_News/NewsShare.html?infoCode=${post?.infoCode?.slice(0, 4)}\r\n\t${post?.infoCode?.slice(4)}`,
    );
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe(`${BASE}${post?.path}`);
  });

  it("never lets a Location leave SITE_URL or the fallback, whatever the code (property check)", async () => {
    const alphabet = [
      "N",
      "W",
      "n",
      "0",
      "9",
      "/",
      "\\",
      "@",
      ".",
      ":",
      "%2F",
      "%0A",
      "%E2%80%AE",
      "٣",
      "ｗ",
      "?",
      "#",
      "&",
      "=",
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const len = 1 + rand(30);
      let v = "";
      for (let j = 0; j < len; j++) v += alphabet[rand(alphabet.length)];
      const res = await withFallback(`/html_News/NewsShare.html?infoCode=${v}`);
      expect([301, 302, 400, 404], v).toContain(res.status);
      assertSafeLocation(res, v);
    }
  });
});

describe("other paths and methods", () => {
  it("is not fooled by look-alike paths", async () => {
    for (const path of [`/html_News/NewsShare.htm?infoCode=${UNKNOWN}`, `/html_News/NewsShare.html/?infoCode=${UNKNOWN}`]) {
      const res = await withFallback(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Location")).toBeNull();
    }
  });

  it("answers POST with 405 and Allow", async () => {
    const res = await get(`/html_News/NewsShare.html?infoCode=${UNKNOWN}`, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("answers HEAD like GET", async () => {
    const post = visible[0];
    const res = await get(`/html_News/NewsShare.html?infoCode=${post?.infoCode}`, { method: "HEAD" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe(`${BASE}${post?.path}`);
  });
});
