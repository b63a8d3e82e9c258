/**
 * The daemon's log: timestamped lines appended to `<root>/engine.log` (kept under a size by
 * moving a big one aside to `engine.log.1` at start), echoed to a terminal when run by hand.
 */
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/** An open log. */
export interface DaemonLog {
  line(text: string): void;
  close(): void;
}

/** Opens the log for appending; `echo` also writes each line there (a terminal). */
export function openDaemonLog(
  path: string,
  options: { maxBytes?: number; echo?: NodeJS.WritableStream } = {},
): DaemonLog {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  try {
    if (statSync(path).size > maxBytes) renameSync(path, `${path}.1`);
  } catch {
    // no log yet
  }
  const fd = openSync(path, 'a', 0o600);
  let open = true;
  return {
    line(text) {
      const entry = `${new Date().toISOString()} ${text}\n`;
      if (open) {
        try {
          writeSync(fd, entry);
        } catch {
          // a full disk must not take the daemon down
        }
      }
      options.echo?.write(entry);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
