/**
 * conmon's k8s-file log format (the CRI log format): one line per chunk of output,
 * `<RFC 3339 time> <stdout|stderr> <P|F> <bytes>`, where `P` marks a partial line (output
 * without a newline yet, or split at conmon's buffer size) and `F` a line whose newline conmon
 * removed.
 */

/** One chunk of a container's output. */
export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** UTC, nanosecond precision: `2024-01-02T03:04:05.123456789Z`. */
  time: string;
  /** Nanoseconds since the epoch. */
  timeNs: bigint;
  /** The bytes as written, with the trailing newline when the line is complete. */
  data: Buffer;
  /** True when `data` does not end a line. */
  partial: boolean;
}

const SPACE = 0x20;
const NEWLINE = Buffer.from('\n');
const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses one log line (without its newline); undefined for a line that is not in the format. */
export function parseK8sLogLine(line: Buffer): LogEntry | undefined {
  const first = line.indexOf(SPACE);
  const second = first < 0 ? -1 : line.indexOf(SPACE, first + 1);
  if (second < 0) return undefined;
  const streamName = line.toString('latin1', first + 1, second);
  if (streamName !== 'stdout' && streamName !== 'stderr') return undefined;
  const third = line.indexOf(SPACE, second + 1);
  const tags = line.toString('latin1', second + 1, third < 0 ? line.length : third);
  const time = parseLogTime(line.toString('latin1', 0, first));
  if (!time) return undefined;
  const content = third < 0 ? Buffer.alloc(0) : line.subarray(third + 1);
  const partial = tags.split(':').includes('P');
  return {
    stream: streamName,
    time: time.text,
    timeNs: time.ns,
    data: partial ? Buffer.from(content) : Buffer.concat([content, NEWLINE]),
    partial,
  };
}

/** An RFC 3339 time with any offset → UTC text with nine fraction digits, and epoch nanoseconds. */
export function parseLogTime(text: string): { text: string; ns: bigint } | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const [, base, fraction = '', zone] = match;
  const ms = Date.parse(`${base}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = fraction.padEnd(9, '0');
  const iso = new Date(ms).toISOString().slice(0, 19);
  return { text: `${iso}.${nanos}Z`, ns: BigInt(ms) * 1_000_000n + BigInt(nanos) };
}

/** Docker's `since`/`until` values: seconds since the epoch with an optional fraction, or RFC 3339. */
export function parseTimeFilter(value: string | number): bigint {
  if (typeof value === 'number') return BigInt(Math.round(value * 1e9));
  const seconds = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (seconds)
    return BigInt(seconds[1] as string) * 1_000_000_000n + BigInt((seconds[2] ?? '').padEnd(9, '0'));
  const time = parseLogTime(value.trim());
  if (time) return time.ns;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`invalid time "${value}"`);
  return BigInt(ms) * 1_000_000n;
}
