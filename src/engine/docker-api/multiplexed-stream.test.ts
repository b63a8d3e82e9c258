import { describe, expect, it } from 'vitest';
import { LogLineAssembler } from './log-lines.js';
import { FrameDecoder, readFrames } from './multiplexed-stream.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('multiplexed streams', () => {
  it('decodes frames split anywhere, headers included', () => {
    const bytes = Buffer.concat([
      frame(1, 'hello '),
      frame(2, 'oops\n'),
      frame(1, 'world\n'),
      frame(3, 'engine'),
    ]);
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...decoder.push(bytes.subarray(i, i + 3)));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      ['stdout', 'hello '],
      ['stderr', 'oops\n'],
      ['stdout', 'world\n'],
      ['stderr', 'engine'],
    ]);
    expect(decoder.remainder).toBe(0);
  });

  it('passes a TTY stream through as stdout', async () => {
    async function* raw() {
      yield Buffer.from('\x01\x00raw');
    }
    const frames = [];
    for await (const f of readFrames(raw(), true)) frames.push(f);
    expect(frames).toEqual([{ stream: 'stdout', data: Buffer.from('\x01\x00raw') }]);
  });
});

describe('LogLineAssembler', () => {
  it('joins partial lines per stream and strips timestamps', () => {
    const lines = new LogLineAssembler(true);
    const out = [
      ...lines.push({ stream: 'stdout', data: Buffer.from('2024-01-02T03:04:05.123456789Z par') }),
      ...lines.push({ stream: 'stderr', data: Buffer.from('2024-01-02T03:04:06Z err line\r\n') }),
      ...lines.push({
        stream: 'stdout',
        data: Buffer.from('tial\n2024-01-02T03:04:07Z \n2024-01-02T03:04:08Z last'),
      }),
      ...lines.end(),
    ];
    expect(out).toEqual([
      { stream: 'stderr', text: 'err line', timestamp: '2024-01-02T03:04:06Z' },
      { stream: 'stdout', text: 'partial', timestamp: '2024-01-02T03:04:05.123456789Z' },
      { stream: 'stdout', text: '', timestamp: '2024-01-02T03:04:07Z' },
      { stream: 'stdout', text: 'last', timestamp: '2024-01-02T03:04:08Z' },
    ]);
  });

  it('keeps text as is without timestamps', () => {
    const lines = new LogLineAssembler(false);
    expect(lines.push({ stream: 'stdout', data: Buffer.from('2024-01-02T03:04:05Z a\nb') })).toEqual([
      { stream: 'stdout', text: '2024-01-02T03:04:05Z a' },
    ]);
    expect(lines.end()).toEqual([{ stream: 'stdout', text: 'b' }]);
  });
});
