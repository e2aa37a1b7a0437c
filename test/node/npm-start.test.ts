/**
 * `npm start` as a maintainer runs it: in a terminal (a pseudo-terminal from util-linux `script`),
 * with nobody typing. It must apply the migrations, seed the examples and serve, never stopping
 * at a prompt; and its links must stay on the local origin.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/wrangler-dev";
import { ROOT } from "../support/fixtures";
import { requires, runs } from "../support/requires";

/** Every process below `pid` (a pty child runs in its own session, out of reach of a group kill). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const hasScript = runs("script", ["--version"]);

describe.skipIf(!requires("npm start under a terminal", "util-linux script", hasScript, "apt-get install bsdutils"))(
  "npm start in a terminal, with no input",
  () => {
    const persist = mkdtempSync(join(tmpdir(), "finews-start-"));
    let child: ChildProcess;
    let output = "";
    let url = "";

    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };
      // A maintainer's terminal: not CI, so wrangler would ask its questions if anything made it.
      delete env.CI;
      env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
      const command = `npm start -- --port ${port} --persist-to ${persist} --ip 127.0.0.1`;
      // stdin stays open and silent: a prompt would wait forever instead of reading end-of-file.
      child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
      child.stdout?.on("data", (d) => (output = (output + d).slice(-20_000)));
      child.stderr?.on("data", (d) => (output = (output + d).slice(-20_000)));
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`npm start never answered /healthz within 150 s; a prompt may be waiting:\n${output}`);
    }, 180_000);

    afterAll(async () => {
      const pids = child?.pid ? [...descendants(child.pid), child.pid] : [];
      for (const pid of pids.reverse()) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      rmSync(persist, { recursive: true, force: true });
    });

    it("applies the migrations and seeds the examples without asking", async () => {
      expect(output).toContain("applied local migrations");
      expect(output).toContain("seeding examples/posts");
      // The bundled examples are clean: a first start shows no warnings to puzzle over.
      expect(output).not.toContain("Warnings (");
      expect(output).not.toMatch(/\(Y\/n\)|\?\s*›/);
      const home = await (await fetch(`${url}/`)).text();
      expect(home).toContain("沪深两市成交额连续五日超万亿元");
    });

    it("keeps redirects, canonicals and feed links on the local origin", async () => {
      const back = await fetch(`${url}/emnews/`, { redirect: "manual" });
      expect(back.status).toBe(301);
      expect(back.headers.get("location")).toBe(`${url}/category/emnews.html`);
      const page = await (await fetch(`${url}/category/emnews.html`)).text();
      expect(page).toContain(`<link rel="canonical" href="${url}/category/emnews.html"`);
      const feed = await (await fetch(`${url}/feed.xml`)).text();
      expect(feed).toContain(`<link rel="self" href="${url}/feed.xml"`);
      expect(feed).not.toContain("https://finews.withounder.com");
    });
  },
);
