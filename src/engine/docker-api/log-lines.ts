/**
 * Log frames as lines: text is split on newlines per stream (a line may span frames), and with
 * timestamps each line's leading RFC 3339 stamp is taken off into `timestamp`. Pure.
 */
import type { LogLine } from '../engine.js';
import type { Frame } from './multiplexed-stream.js';

/** Assembles lines from frames; keeps a partial line per stream until its newline comes. */
export class LogLineAssembler {
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(private readonly timestamps: boolean) {}

  /** The lines a frame completes. */
  push(frame: Frame): LogLine[] {
    if (frame.stream === 'stdin') return [];
    const stream = frame.stream;
    const text = this.partial[stream] + frame.data.toString('utf8');
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    return parts.map((line) => this.line(stream, line));
  }

  /** Lines left without a final newline when the stream ends. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') out.push(this.line(stream, this.partial[stream]));
      this.partial[stream] = '';
    }
    return out;
  }

  private line(stream: 'stdout' | 'stderr', raw: string): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.timestamps) return { stream, text };
    const space = text.indexOf(' ');
    const stamp = space < 0 ? text : text.slice(0, space);
    if (!/^\d{4}-\d\d-\d\dT/.test(stamp)) return { stream, text };
    return { stream, text: space < 0 ? '' : text.slice(space + 1), timestamp: stamp };
  }
}
