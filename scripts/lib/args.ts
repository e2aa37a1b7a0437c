/**
 * @module scripts/lib/args
 * The seed command line: `[--local | --remote] [--persist-to DIR] [--config PATH] [--dry-run] [--json] PATH...`
 */

export interface SeedArgs {
  target: "local" | "remote";
  persistTo: string | null;
  config: string;
  dryRun: boolean;
  json: boolean;
  paths: string[];
}

export class UsageError extends Error {}

export const USAGE =
  "usage: npm run seed -- [--local | --remote] [--persist-to DIR] [--config PATH] [--dry-run] [--json] PATH...";

export function parseArgs(argv: string[]): SeedArgs {
  const out: SeedArgs = { target: "local", persistTo: null, config: "wrangler.toml", dryRun: false, json: false, paths: [] };
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
    else if (a === "--persist-to" || a.startsWith("--persist-to=")) out.persistTo = value("--persist-to");
    else if (a === "--config" || a.startsWith("--config=")) out.config = value("--config");
    else if (a === "-h" || a === "--help") throw new UsageError("");
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.paths.push(a);
  }
  if (sawLocal && sawRemote) throw new UsageError("--local and --remote exclude each other");
  if (sawRemote) out.target = "remote";
  if (sawRemote && out.persistTo) throw new UsageError("--persist-to only applies to --local");
  if (!out.paths.length) throw new UsageError("no PATH given");
  return out;
}
