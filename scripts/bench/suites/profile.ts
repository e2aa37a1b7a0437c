/**
 * @module scripts/bench/suites/profile
 * Where the Worker's render CPU goes: the in-process setup of the serving
 * suite (lib/inproc) under V8's sampling profiler (node:inspector), for the
 * article and the three feeds of the main database. Self time is grouped by
 * function and by package (the bundle's source map is not applied: functions
 * keep their own names, and the bundle's `// node_modules/<pkg>/…` section
 * markers give the package).
 */
import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { type Ctx, ensureMainDb } from "../lib/context";
import { ROOT, siteVars } from "../lib/env";
import { openInProc } from "../lib/inproc";
import { pickRoutes } from "../lib/serving";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Line → package of the bundle, from esbuild's `// node_modules/pkg/file.js` and `// src/…` markers. */
function packageByLine(bundle: string): (line: number) => string {
  const marks: { line: number; pkg: string }[] = [];
  readFileSync(bundle, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const m = /^\/\/ (?:node_modules\/((?:@[^/]+\/)?[^/]+)|(src)\/([^/]+))/.exec(text);
      if (m) marks.push({ line: i, pkg: m[1] ?? `src/${m[3]}` });
    });
  return (line) => {
    let pkg = "(bundle)";
    for (const mk of marks) {
      if (mk.line > line) break;
      pkg = mk.pkg;
    }
    return pkg;
  };
}

export async function profileSuite(ctx: Ctx) {
  if (!ctx.bundleFile) throw new Error("the bundle suite must run first");
  const dir = await ensureMainDb(ctx, ROOT);
  const { routes } = pickRoutes(dir);
  const vars = siteVars();
  const pkgOf = packageByLine(ctx.bundleFile);
  const bundleUrl = ctx.bundleFile.split("/").pop() as string;
  const ip = await openInProc(ctx.bundleFile, dir, vars);
  const session = new Session();
  session.connect();
  const out = [];
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    for (const key of ["article", "atom", "rss", "json"]) {
      const r = routes.find((x) => x.key === key);
      if (!r) continue;
      await ip.measure({ name: key, path: r.path, expectStatus: 200 }, 300); // warm
      await session.post("Profiler.start");
      const m = await ip.measure({ name: key, path: r.path, expectStatus: 200 }, ctx.sizes.inprocRequests);
      const { profile } = (await session.post("Profiler.stop")) as unknown as {
        profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
      };
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map<number, number>();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      // Native code (SQLite's all/get, RegExp, JSON.parse…) has no URL: charge it to its nearest JS caller.
      const located = (n: ProfileNode): ProfileNode => {
        let cur: ProfileNode | undefined = n;
        while (cur && !cur.callFrame.url) cur = byId.get(parent.get(cur.id) ?? -1);
        return cur ?? n;
      };
      const fn = new Map<string, number>();
      const pkg = new Map<string, number>();
      let total = 0;
      profile.samples.forEach((id, i) => {
        const n = byId.get(id);
        const dt = profile.timeDeltas[i] ?? 0;
        if (!n || n.callFrame.functionName === "(idle)") return;
        total += dt;
        const at = located(n).callFrame;
        const where = at.url.endsWith(bundleUrl)
          ? pkgOf(at.lineNumber)
          : at.url.includes("scripts/bench")
            ? "(bench harness: D1 shim, SQLite)"
            : at.url
              ? "(Node: Request/Response, encoding)"
              : "(V8: GC, runtime)";
        const name = n.callFrame.functionName || "(anonymous)";
        fn.set(`${name} [${where}]`, (fn.get(`${name} [${where}]`) ?? 0) + dt);
        pkg.set(where, (pkg.get(where) ?? 0) + dt);
      });
      const top = (mp: Map<string, number>, k: number) =>
        [...mp]
          .sort((a, b) => b[1] - a[1])
          .slice(0, k)
          .map(([name, t]) => ({ name, share: t / total }));
      out.push({ key, label: r.label, cpuMs: m.cpuMs, requests: m.requests, packages: top(pkg, 8), functions: top(fn, 8) });
      ctx.log(
        `  profile ${key}: ${top(pkg, 4)
          .map((x) => `${x.name} ${(x.share * 100).toFixed(0)}%`)
          .join(", ")}`,
      );
    }
  } finally {
    session.disconnect();
    ip.close();
  }
  return {
    routes: out,
    commands: ["node:inspector Profiler (200 µs sampling) around the in-process requests of the serving benchmark"],
  };
}
