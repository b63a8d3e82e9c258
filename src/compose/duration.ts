/**
 * Durations as compose reads and prints them: Go's `time.ParseDuration` syntax (`1h2m3.5s`,
 * `500ms`, `10us`) plus the day and week units compose also accepts, printed the way Go's
 * `Duration.String` does (`1m30s`, `1h0m0s`, `1.5s`, `500ms`).
 */

const NS_PER_MS = 1_000_000;

/** Nanoseconds per unit. `µs` appears as both the micro sign and the Greek mu. */
const UNITS: Record<string, number> = {
  ns: 1,
  us: 1_000,
  µs: 1_000,
  μs: 1_000,
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
  d: 86_400_000_000_000,
  w: 604_800_000_000_000,
};

const TERM = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/;

/** Parses a duration into milliseconds (fractional below 1ms). Throws RangeError on bad syntax. */
export function parseDuration(text: string): number {
  const s = text.trim();
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  // Go accepts a bare zero, and only zero, without a unit.
  if (rest === '0') return 0;
  if (rest === '') throw new RangeError(`invalid duration "${text}"`);
  let ns = 0;
  while (rest !== '') {
    const m = TERM.exec(rest);
    if (!m) {
      const hint = /^[\d.]+$/.test(rest) ? 'missing unit in' : 'invalid';
      throw new RangeError(`${hint} duration "${text}"`);
    }
    const [whole, amount, unit] = m as unknown as [string, string, string];
    ns += Number(amount) * (UNITS[unit] ?? 0);
    rest = rest.slice(whole.length);
  }
  return (sign * Math.round(ns)) / NS_PER_MS;
}

/** Prints milliseconds like Go's `Duration.String` (`1h0m0s`, `1m30s`, `2.5s`, `500ms`, `1.5µs`, `0s`). */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * NS_PER_MS);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1_000) return `${sign}${ns}ns`;
  if (ns < 1_000_000) return `${sign}${fraction(ns, 1_000)}µs`;
  if (ns < 1_000_000_000) return `${sign}${fraction(ns, 1_000_000)}ms`;
  const hours = Math.floor(ns / 3_600_000_000_000);
  const minutes = Math.floor((ns % 3_600_000_000_000) / 60_000_000_000);
  const seconds = fraction(ns % 60_000_000_000, 1_000_000_000);
  // Go prints larger units only when they are non-zero, and then every smaller one too.
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** Normalises a duration string to Go's printed form (`90s` → `1m30s`). Throws like parseDuration. */
export function normalizeDuration(text: string): string {
  return formatDuration(parseDuration(text));
}

/** `value / unit` as a decimal without trailing zeros, exact for integers (no float rounding). */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value % unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
