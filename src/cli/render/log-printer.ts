/**
 * Service-prefixed log lines as Compose prints them (`web-1  | text`): one colour per
 * container, the prefix padded to the longest name, optional timestamps; to stdout.
 */
import type { LogLine } from '../../engine/engine.js';
import type { CliIO } from '../io.js';

export interface LogPrinterOptions {
  color: boolean;
  prefix: boolean;
  timestamps: boolean;
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** Prints lines of many containers; `width` grows as containers are added. */
export class LogPrinter {
  private width = 0;
  private readonly colors = new Map<string, number>();

  constructor(
    private readonly io: CliIO,
    private readonly options: LogPrinterOptions,
  ) {}

  /** Makes room for a container's prefix; call before its first line. */
  add(name: string): void {
    if (!this.colors.has(name)) this.colors.set(name, COLORS[this.colors.size % COLORS.length] ?? 36);
    this.width = Math.max(this.width, name.length);
  }

  line(name: string, line: LogLine): void {
    this.add(name);
    const time = this.options.timestamps && line.timestamp ? `${line.timestamp} ` : '';
    this.io.stdout.write(`${this.prefix(name)}${time}${line.text}\n`);
  }

  /** A line of dev's own about a container: `web-1 exited with code 0`. */
  note(name: string, text: string): void {
    this.add(name);
    this.io.stdout.write(`${this.options.prefix ? this.colour(name, name) : name} ${text}\n`);
  }

  private prefix(name: string): string {
    if (!this.options.prefix) return '';
    return this.colour(name, `${name.padEnd(this.width)}  | `);
  }

  private colour(name: string, text: string): string {
    if (!this.options.color) return text;
    return `\u001b[${this.colors.get(name) ?? 36}m${text}\u001b[39m`;
  }
}

/** `trio-web-1` → `web-1`: Compose shows container names without the project prefix. */
export function shortName(project: string, name: string): string {
  return name.startsWith(`${project}-`) ? name.slice(project.length + 1) : name;
}
