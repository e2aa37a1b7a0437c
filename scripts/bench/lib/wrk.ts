/**
 * @module scripts/bench/lib/wrk
 * Runs Debian's `wrk` and reads its summary; the Lua scripts in ../lua add
 * per-request variation and print their own counts as one `BENCH_JSON {...}` line.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./env";

export const LUA = join(ROOT, "scripts", "bench", "lua");

export interface WrkOptions {
  url: string;
  connections: number;
  threads: number;
  seconds: number;
  script?: string;
  scriptArgs?: string[];
  headers?: Record<string, string>;
  timeoutSeconds?: number;
}

export interface WrkResult {
  command: string;
  requests: number;
  seconds: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number };
  non2xx3xx: number;
  errors: { connect: number; read: number; write: number; timeout: number };
  lua: Record<string, unknown> | null;
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latency(out: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(out);
  return m ? Number(m[1]) * (MS[m[2] as string] as number) : Number.NaN;
}

/** The command line as a person would type it (for the report). */
export function wrkCommand(o: WrkOptions): string {
  const parts = ["wrk", `-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, "--latency"];
  if (o.timeoutSeconds) parts.push(`--timeout ${o.timeoutSeconds}s`);
  for (const [k, v] of Object.entries(o.headers ?? {})) parts.push(`-H '${k}: ${v}'`);
  if (o.script) parts.push(`-s scripts/bench/lua/${o.script}`);
  parts.push(o.url);
  if (o.scriptArgs?.length) parts.push("--", ...o.scriptArgs);
  return parts.join(" ");
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, "--latency"];
  if (o.timeoutSeconds) args.push("--timeout", `${o.timeoutSeconds}s`);
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push("-H", `${k}: ${v}`);
  if (o.script) args.push("-s", join(LUA, o.script));
  args.push(o.url);
  if (o.scriptArgs?.length) args.push("--", ...o.scriptArgs);
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${err}${out}`));
      const m = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
      if (!m) return reject(new Error(`cannot read wrk output:\n${out}${err}`));
      const requests = Number(m[1]);
      const seconds = (Number(m[2]) * (MS[m[3] as string] as number)) / 1000;
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const json = /^BENCH_JSON (.*)$/m.exec(out);
      resolve({
        command: wrkCommand(o),
        requests,
        seconds,
        rps: requests / seconds,
        latencyMs: { p50: latency(out, "50"), p90: latency(out, "90"), p99: latency(out, "99") },
        non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        errors: {
          connect: Number(sock?.[1] ?? 0),
          read: Number(sock?.[2] ?? 0),
          write: Number(sock?.[3] ?? 0),
          timeout: Number(sock?.[4] ?? 0),
        },
        lua: json ? (JSON.parse(json[1] as string) as Record<string, unknown>) : null,
      });
    });
  });
}
