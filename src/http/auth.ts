/**
 * @module http/auth
 * The ingest API's lock: `Authorization: Bearer <INGEST_TOKEN>`. Without an
 * INGEST_TOKEN secret the API does not exist (404); a missing or wrong token
 * is a 401 with `WWW-Authenticate: Bearer`. Tokens are compared as SHA-256
 * digests in constant time (the length of the secret leaks nothing either)
 * and never logged or echoed.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

const encoder = new TextEncoder();
const noStore = { "Cache-Control": "no-store" };

async function digest(s: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(s));
}

/** Constant-time equality of two strings' digests (Workers' timingSafeEqual, else a full XOR scan). */
export async function sameSecret(given: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(secret)]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBuffer, b: ArrayBuffer) => boolean };
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

export const requireIngestToken = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const secret = (c.env as { INGEST_TOKEN?: unknown }).INGEST_TOKEN;
    if (typeof secret !== "string" || !secret) {
      return c.json({ error: "not found: the ingest API is off (no INGEST_TOKEN secret is set)" }, 404, noStore);
    }
    const header = c.req.header("Authorization") ?? "";
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m || !(await sameSecret(m[1] as string, secret))) {
      return c.json({ error: m ? "unauthorized: wrong token" : "unauthorized: send Authorization: Bearer <INGEST_TOKEN>" }, 401, {
        ...noStore,
        "WWW-Authenticate": `Bearer realm="ingest"${m ? ', error="invalid_token"' : ""}`,
      });
    }
    await next();
  });
