/**
 * @module scripts/bench/lib/stats
 * Median and range of repeated runs: a single run on a shared 2-core machine
 * says little, the spread says how much to trust the median.
 */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
  /** The runs in the order they were taken (interleaved runs of two databases pair up by index). */
  values?: number[];
}

export function spread(values: number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = v.length >> 1;
  const median = v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number, n: v.length, values };
}

/** Median of b[i] / a[i] over runs taken side by side; falls back to the ratio of medians. */
export function pairedRatio(a: Spread | undefined, b: Spread | undefined): number {
  if (!a || !b) return Number.NaN;
  const av = a.values ?? [];
  const bv = b.values ?? [];
  if (av.length && av.length === bv.length) return spread(av.map((x, i) => (bv[i] as number) / x)).median;
  return b.median / a.median;
}

/** `12.3 (11.9–13.0)` with `digits` decimals. */
export function fmtSpread(s: Spread | undefined, digits = 2, unit = ""): string {
  if (!s?.n) return "n/a";
  const f = (x: number) => x.toFixed(digits);
  if (s.n === 1) return `${f(s.median)}${unit}`;
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}
