import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry } from './k8s-log.js';
import { type ReadLogsOptions, readLogs } from './log-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'dev-log-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (second: number, stream: string, tag: string, text: string) =>
  `2026-12-01T07:00:${String(second).padStart(2, '0')}.000000000+00:00 ${stream} ${tag} ${text}\n`;

const LOG = [
  line(1, 'stdout', 'F', 'one'),
  line(2, 'stdout', 'P', 'thr'),
  line(3, 'stderr', 'F', 'two'),
  line(4, 'stdout', 'F', 'ee'),
  line(5, 'stdout', 'F', 'four'),
].join('');

async function read(path: string, options: ReadLogsOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readLogs(path, options)) out.push(`${e.stream}:${e.data.toString()}`);
  return out;
}

describe('readLogs', () => {
  const path = join(dir, 'ctr.log');
  writeFileSync(path, `${LOG}2026-12-01T07:00:06.0Z stdout F no newline yet`);

  it('reads complete lines, raw or with partial chunks merged', async () => {
    expect(await read(path, {})).toEqual([
      'stdout:one\n',
      'stdout:thr',
      'stderr:two\n',
      'stdout:ee\n',
      'stdout:four\n',
    ]);
    expect(await read(path, { mergePartial: true })).toEqual([
      'stdout:one\n',
      'stderr:two\n',
      'stdout:three\n',
      'stdout:four\n',
    ]);
  });

  it('tails lines, keeping the partial chunks of the first one', async () => {
    expect(await read(path, { tail: 2, mergePartial: true })).toEqual(['stdout:three\n', 'stdout:four\n']);
    expect(await read(path, { tail: 3, mergePartial: true })).toEqual([
      'stderr:two\n',
      'stdout:three\n',
      'stdout:four\n',
    ]);
    expect(await read(path, { tail: 1, stdout: false })).toEqual(['stderr:two\n']);
    expect(await read(path, { tail: 0 })).toEqual([]);
    expect(await read(path, { tail: 100, mergePartial: true })).toHaveLength(4);
    expect(await read(path, { from: 'end' })).toEqual([]);
  });

  it('filters by time and stream', async () => {
    const at = (s: number) => BigInt(Date.parse(`2026-12-01T07:00:0${s}Z`)) * 1_000_000n;
    expect(await read(path, { since: at(4) })).toEqual(['stdout:ee\n', 'stdout:four\n']);
    expect(await read(path, { until: at(3) })).toEqual(['stdout:one\n', 'stdout:thr', 'stderr:two\n']);
    expect(await read(path, { stderr: false, since: at(2), until: at(4), mergePartial: true })).toEqual([
      'stdout:three\n',
    ]);
  });

  it('starts at an offset for new output only, and follows until done', async () => {
    const live = join(dir, 'live.log');
    writeFileSync(live, LOG);
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const seen: LogEntry[] = [];
    const reading = (async () => {
      for await (const e of readLogs(live, { follow: true, from: statSync(live).size, done })) {
        seen.push(e);
        if (seen.length === 1) appendFileSync(live, line(8, 'stderr', 'F', 'late'));
        if (seen.length === 2) finish();
      }
    })();
    appendFileSync(live, line(7, 'stdout', 'F', 'new'));
    await reading;
    expect(seen.map((e) => e.data.toString())).toEqual(['new\n', 'late\n']);
  });

  it('waits for a log that does not exist yet', async () => {
    const later = join(dir, 'later.log');
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const reading = read(later, { follow: true, done });
    writeFileSync(later, line(9, 'stdout', 'F', 'born'));
    setImmediate(() => appendFileSync(later, line(10, 'stdout', 'F', 'last')));
    const until = setInterval(() => {
      if (readFileSync(later, 'utf8').includes('last')) finish();
    }, 10);
    expect(await reading).toEqual(['stdout:born\n', 'stdout:last\n']);
    clearInterval(until);
  });

  it('stops following when aborted', async () => {
    const controller = new AbortController();
    const reading = read(path, { follow: true, signal: controller.signal, from: 0 });
    controller.abort();
    expect(await reading).toHaveLength(5);
  });
});
