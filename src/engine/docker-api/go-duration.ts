/** Go duration strings (`1m30s`, `500ms`) in the units the Engine API wants. Pure. */

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 604800e9,
};

/** Nanoseconds of a duration; throws RangeError on bad syntax. */
export function durationToNanoseconds(text: string): number {
  const s = text.trim();
  if (s === '0' || s === '') return 0;
  let ns = 0;
  let rest = s.startsWith('+') || s.startsWith('-') ? s.slice(1) : s;
  const sign = s.startsWith('-') ? -1 : 1;
  while (rest !== '') {
    const m = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/.exec(rest);
    if (!m) throw new RangeError(`invalid duration "${text}"`);
    ns += Number(m[1]) * (UNIT_NS[m[2] as string] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return sign * Math.round(ns);
}

/** Whole seconds of a duration, rounded down, as Compose's stop timeout. */
export function durationToSeconds(text: string): number {
  return Math.trunc(durationToNanoseconds(text) / 1e9);
}
