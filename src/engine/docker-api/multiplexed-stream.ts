/**
 * The engine's stdout/stderr framing for logs, attach and exec without a TTY: each frame is an
 * 8-byte header (stream type, three zero bytes, big-endian payload size) and the payload.
 * With a TTY the stream is raw, all stdout.
 */

export type StreamName = 'stdin' | 'stdout' | 'stderr';

/** One frame's payload and where it belongs. */
export interface Frame {
  stream: StreamName;
  data: Buffer;
}

const NAMES: Record<number, StreamName> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/** Splits a multiplexed byte stream into frames, across chunk boundaries. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the frames they complete. Type 3 (engine error) frames come out as stderr. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const type = this.pending[offset] ?? 1;
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < size) break;
      const data = this.pending.subarray(offset + 8, offset + 8 + size);
      frames.push({ stream: NAMES[type] ?? 'stderr', data });
      offset += 8 + size;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** Bytes of an unfinished frame left at the end. */
  get remainder(): number {
    return this.pending.length;
  }
}

/** Frames of a stream: demultiplexed, or (tty) every chunk as stdout. */
export async function* readFrames(stream: AsyncIterable<Buffer>, tty: boolean): AsyncGenerator<Frame> {
  if (tty) {
    for await (const chunk of stream) yield { stream: 'stdout', data: chunk };
    return;
  }
  const decoder = new FrameDecoder();
  for await (const chunk of stream) yield* decoder.push(chunk);
}

/** Writes frames to the given writables (absent ones are skipped); resolves when the stream ends. */
export async function pumpFrames(
  stream: AsyncIterable<Buffer>,
  tty: boolean,
  out: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream },
): Promise<void> {
  for await (const frame of readFrames(stream, tty)) {
    const target = frame.stream === 'stderr' ? out.stderr : out.stdout;
    if (target && !target.write(frame.data)) await drained(target);
  }
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
