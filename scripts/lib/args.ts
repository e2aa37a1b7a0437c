/**
 * @module scripts/lib/args
 * The seed command line:
 * `[--local | --remote | --api URL] [--persist-to DIR] [--config PATH] [--env NAME] [--dry-run] [--json] [--full] [--reindex] PATH...`
 */

export interface SeedArgs {
  target: "local" | "remote" | "api";
  /** `--api URL`: the site whose ingest API receives the files. */
  api: string | null;
  /** Read every file, whatever the manifest says. */
  full: boolean;
  persistTo: string | null;
  config: string;
  /** The wrangler environment (`[env.<name>]`) whose databases and vars to use; null: the top level. */
  env: string | null;
  dryRun: boolean;
  json: boolean;
  /** Rebuild every database's search index from its posts (after a restore); PATH may then be left out. */
  reindex: boolean;
  paths: string[];
}

export class UsageError extends Error {}

export const USAGE =
  "usage: npm run seed -- [--local | --remote | --api URL] [--persist-to DIR] [--config PATH] [--env NAME] [--dry-run] [--json] [--full] [--reindex] PATH...";

/** The seed's own options, as npm names them in its environment (`npm_config_<name>`). */
const OPTIONS = [
  { flag: "--dry-run", takesValue: false },
  { flag: "--json", takesValue: false },
  { flag: "--remote", takesValue: false },
  { flag: "--local", takesValue: false },
  { flag: "--persist-to", takesValue: true },
  { flag: "--config", takesValue: true },
  { flag: "--env", takesValue: true },
  { flag: "--api", takesValue: true },
  { flag: "--full", takesValue: false },
  { flag: "--reindex", takesValue: false },
];

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/**
 * `npm run seed --dry-run posts/` (no `--`) hands `--dry-run` to npm, which keeps it as its own
 * setting (`npm_config_dry_run=true`) and runs the seed without it: a dry run that writes. A seed
 * option npm has in its environment but the seed did not receive is therefore refused before
 * anything is read, with the command that says what was meant. Only under npm (npm_lifecycle_event).
 */
export function npmSwallowedOptions(argv: string[], env: Record<string, string | undefined>): UsageError | null {
  if (!env.npm_lifecycle_event) return null;
  const given = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  const swallowed = OPTIONS.filter((o) => {
    const v = env[`npm_config_${o.flag.slice(2).replaceAll("-", "_")}`];
    return v !== undefined && v !== "" && !given(o.flag);
  });
  if (!swallowed.length) return null;
  const names = swallowed.map((o) => o.flag).join(", ");
  const valued = swallowed.filter((o) => o.takesValue);
  const words = swallowed.flatMap((o) => {
    const v = env[`npm_config_${o.flag.slice(2).replaceAll("-", "_")}`] as string;
    return o.takesValue
      ? [
          v === "true"
            ? `${o.flag} <${o.flag === "--config" ? "PATH" : o.flag === "--env" ? "NAME" : "DIR"}>`
            : `${o.flag}=${quote(v)}`,
        ]
      : [o.flag];
  });
  const script = env.npm_lifecycle_event;
  const command = `npm run ${script} -- ${[...words, ...argv.map(quote)].join(" ")}`;
  return new UsageError(
    `npm took ${names} as its own option${swallowed.length > 1 ? "s" : ""}, so the seed never saw ${swallowed.length > 1 ? "them" : "it"}; ` +
      "nothing was read or written. Options for the seed go after `--`:\n" +
      `  ${command}` +
      (valued.some((o) => env[`npm_config_${o.flag.slice(2).replaceAll("-", "_")}`] === "true")
        ? "\n(npm left the value of that option among the paths above: move it back after the option.)"
        : "") +
      "\n(If the option comes from your npm configuration instead, remove it there.)",
  );
}

export function parseArgs(argv: string[]): SeedArgs {
  const out: SeedArgs = {
    target: "local",
    api: null,
    full: false,
    persistTo: null,
    config: "wrangler.toml",
    env: null,
    dryRun: false,
    json: false,
    reindex: false,
    paths: [],
  };
  let sawLocal = false;
  let sawRemote = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (flag: string) => {
      const eq = a.indexOf("=");
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === "--") {
      out.paths.push(...argv.slice(i + 1));
      break;
    } else if (a === "--local") sawLocal = true;
    else if (a === "--remote") sawRemote = true;
    else if (a === "--dry-run") out.dryRun = true;
    else if (a === "--json") out.json = true;
    else if (a === "--full") out.full = true;
    else if (a === "--reindex") out.reindex = true;
    else if (a === "--api" || a.startsWith("--api=")) out.api = value("--api");
    else if (a === "--persist-to" || a.startsWith("--persist-to=")) out.persistTo = value("--persist-to");
    else if (a === "--config" || a.startsWith("--config=")) out.config = value("--config");
    else if (a === "--env" || a.startsWith("--env=")) out.env = value("--env");
    else if (a === "-h" || a === "--help") throw new UsageError("");
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.paths.push(a);
  }
  if ([sawLocal, sawRemote, out.api !== null].filter(Boolean).length > 1) {
    throw new UsageError("--local, --remote and --api exclude each other");
  }
  if (sawRemote) out.target = "remote";
  if (out.api !== null) out.target = "api";
  if (out.target !== "local" && out.persistTo) throw new UsageError("--persist-to only applies to --local");
  if (out.reindex && out.target === "api") throw new UsageError("--reindex works on the databases: use --local or --remote");
  if (out.reindex && out.dryRun) throw new UsageError("--reindex writes: it cannot be a dry run");
  if (!out.paths.length && !out.reindex) throw new UsageError("no PATH given");
  return out;
}
