/**
 * Progress messages in the shape of Docker's JSON message stream (pull, push, load, import):
 * one object per line with `status`, `id`, `progressDetail` {current, total} and the text bar
 * `progress`, or `stream` text, `aux` data, and `errorDetail` on failure.
 */

export interface ProgressMessage {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  stream?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message: string };
}

export type ProgressSink = (message: ProgressMessage) => void;

/** A byte-progress message, with Docker's text bar when the total is known. */
export function progressMessage(
  id: string,
  status: string,
  current: number,
  total?: number,
): ProgressMessage {
  const message: ProgressMessage = { id, status, progressDetail: { current } };
  if (total !== undefined && total > 0) {
    message.progressDetail = { current, total };
    message.progress = progressBar(current, total);
  } else message.progress = humanSize(current);
  return message;
}

/** `[=========>          ]  1.05MB/2.1MB`: 50 columns, as Docker's jsonmessage draws it. */
export function progressBar(current: number, total: number): string {
  const width = 50;
  const done = Math.min(width, Math.floor((current / total) * width));
  const bar =
    done >= width ? `${'='.repeat(width - 1)}>` : `${'='.repeat(done)}>${' '.repeat(width - done - 1)}`;
  return `[${bar}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

/** Decimal sizes with three significant digits (`2.13MB`, `512B`), as Docker's go-units. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))}${units[unit]}`;
}

/** Throttles byte-progress reports to one per `step` bytes (and always the last one). */
export function throttled(
  report: (current: number) => void,
  step = 512 * 1024,
): (current: number, final?: boolean) => void {
  let last = -step;
  return (current, final = false) => {
    if (final || current - last >= step) {
      last = current;
      report(current);
    }
  };
}
