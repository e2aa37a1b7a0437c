import { DatabaseSync } from "node:sqlite";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { parsePost } from "./src/content/post";
import { searchDocument } from "./src/content/search-text";
import { writePostRows } from "./src/db/statements";
import { splitSql } from "./src/db/migrations";
rmSync("/tmp/prof.sqlite", { force: true });
rmSync("/tmp/prof.sqlite-wal", { force: true });
const db = new DatabaseSync("/tmp/prof.sqlite");
db.exec("PRAGMA journal_mode = WAL");
db.exec("PRAGMA synchronous = NORMAL");
for (const f of readdirSync("migrations")
  .filter((f) => f.endsWith(".sql"))
  .sort())
  for (const s of splitSql(readFileSync(`migrations/${f}`, "utf8"))) db.exec(s);
const files: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true }))
    e.isDirectory() ? walk(`${d}/${e.name}`) : e.name.endsWith(".md") && files.push(`${d}/${e.name}`);
};
walk(".tmp/bench/corpus-100000");
const N = Number(process.env.N ?? 40000);
const ctx = {
  timeZone: "Asia/Shanghai",
  siteHost: "finews.withounder.com",
  sha256: (s: string) => createHash("sha256").update(s).digest("hex"),
};
const times = new Map<string, number>();
const cache = new Map<string, any>();
let n = 0;
for (let b = 0; b < N; b += 500) {
  const posts: any[] = [];
  for (const f of files.slice(b, b + 500)) {
    const r = await parsePost(readFileSync(f), f.split("/").pop()!, ctx);
    if (r.ok) posts.push({ ...r.post, search: searchDocument(r.post.title, r.post.bodyHtml) });
  }
  n += posts.length;
  const stmts = writePostRows(posts, Date.now());
  db.exec("BEGIN");
  for (const s of stmts) {
    let p = cache.get(s.sql);
    if (!p) {
      p = db.prepare(s.sql);
      cache.set(s.sql, p);
    }
    const t0 = performance.now();
    p.run(...s.params);
    const dt = performance.now() - t0;
    const k = s.sql.replace(/\s+/g, " ").slice(0, 50);
    times.set(k, (times.get(k) ?? 0) + dt);
  }
  const t0 = performance.now();
  db.exec("COMMIT");
  times.set("COMMIT", (times.get("COMMIT") ?? 0) + performance.now() - t0);
}
let tot = 0;
for (const v of times.values()) tot += v;
console.log("total", ((tot / n) * 1000).toFixed(0), "µs/post over", n);
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 8))
  console.log(((v / n) * 1000).toFixed(1).padStart(7), "µs/post", k);
