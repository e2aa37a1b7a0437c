/**
 * @module scripts/bench/lib/archive-layout
 * The archive the archive benchmark serves: N databases of one year each
 * (ending on a fixed day, so the corpus and its split are the same in every
 * run), written as a wrangler config of its own beside the bench databases.
 * The seed (`--config`), `wrangler dev --config` and the in-process Worker all
 * read it, as a maintainer's `[env.archive]` would be read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localD1File } from "../../lib/local-d1";
import { readWranglerConfig } from "../../lib/wrangler-config";
import { ROOT, siteVars } from "./env";

/** The generated years end here (local midnight, Asia/Shanghai): before the run's "now", so every post is visible. */
const END_DAY = { year: 2026, month: 11, day: 30 };
const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;

export interface ArchiveLayout {
  /** Oldest first; the first holds everything before the second's day, the last is DB. */
  databases: { binding: string; from: string | null }[];
  /** The ARCHIVE var naming them. */
  archive: string;
  /** The corpus generator's dates: `spanMs` of years before `endsAt`. */
  dates: { endsAt: number; spanMs: number };
  /** The first local day the newest database (DB) holds, and the day the generated years end. */
  newestFrom: string;
  endDay: string;
  /** The wrangler config (JSON) naming them. */
  config: string;
  /** Binding → the SQLite file of its local copy under a `--persist-to` folder. */
  files(persistDir: string): Record<string, string>;
}

const day = (y: number) => `${y}-${String(END_DAY.month).padStart(2, "0")}-${String(END_DAY.day).padStart(2, "0")}`;
const midnight = (y: number) => Date.UTC(y, END_DAY.month - 1, END_DAY.day) - SHANGHAI_MS;

const idOf = (i: number) => `00000000-0000-0000-0000-${String(i + 1).padStart(12, "0")}`;

/** `count` databases, one year each, the newest (DB) ending on END_DAY; their config is written into `dir`. */
export function archiveLayout(count: number, dir: string): ArchiveLayout {
  const first = END_DAY.year - count;
  const databases = Array.from({ length: count }, (_, i) => ({
    binding: i === count - 1 ? "DB" : `DB_${first + i}`,
    from: i === 0 ? null : day(first + i),
  }));
  const endsAt = midnight(END_DAY.year);
  const archive = databases.map((d) => (d.from ? `${d.binding}:${d.from}` : d.binding)).join(", ");
  const project = readWranglerConfig(join(ROOT, "wrangler.toml"));
  const config = join(dir, "wrangler.json");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        name: "finews-bench-archive",
        main: join(ROOT, "src", "index.ts"),
        compatibility_date: project.compatibility_date,
        d1_databases: databases.map((d, i) => ({
          binding: d.binding,
          database_name: `finews-bench-${d.binding.toLowerCase().replace("_", "-")}`,
          database_id: idOf(i),
          migrations_dir: join(ROOT, "migrations"),
        })),
        vars: { ...siteVars(), ARCHIVE: archive },
        cache: { enabled: true },
      },
      null,
      2,
    )}\n`,
  );
  return {
    databases,
    archive,
    // Whole days: a post's local day decides its database, as for its permalink.
    dates: { endsAt, spanMs: Math.round((endsAt - midnight(first)) / DAY_MS) * DAY_MS },
    newestFrom: day(END_DAY.year - 1),
    endDay: day(END_DAY.year),
    config,
    files: (persistDir) => Object.fromEntries(databases.map((d, i) => [d.binding, localD1File(join(persistDir, "v3"), idOf(i))])),
  };
}
