import { describe, expect, it } from 'vitest';
import { parseK8sLogLine, parseLogTime, parseTimeFilter } from './k8s-log.js';

describe('k8s-file log lines', () => {
  it('parses full and partial lines, keeping bytes as written', () => {
    const full = parseK8sLogLine(Buffer.from('2026-12-01T07:44:50.953348645+00:00 stdout F hello world'));
    expect(full).toEqual({
      stream: 'stdout',
      time: '2026-12-01T07:44:50.953348645Z',
      timeNs: 1796111090953348645n,
      data: Buffer.from('hello world\n'),
      partial: false,
    });
    const partial = parseK8sLogLine(Buffer.from('2026-12-01T07:44:50.9+00:00 stderr P / # '));
    expect(partial?.data.toString()).toBe('/ # ');
    expect(partial?.partial).toBe(true);
    expect(parseK8sLogLine(Buffer.from('2026-12-01T07:44:50.9Z stdout F '))?.data.toString()).toBe('\n');
    expect(parseK8sLogLine(Buffer.from('2026-12-01T07:44:50.9Z stdout F'))?.data.toString()).toBe('\n');
  });

  it('ignores lines in another format', () => {
    expect(parseK8sLogLine(Buffer.from('garbage'))).toBeUndefined();
    expect(parseK8sLogLine(Buffer.from('2026-12-01T07:44:50Z stdin F x'))).toBeUndefined();
    expect(parseK8sLogLine(Buffer.from('yesterday stdout F x'))).toBeUndefined();
  });

  it('converts times with offsets to UTC with nine digits', () => {
    expect(parseLogTime('2026-12-01T09:00:00.5+02:00')?.text).toBe('2026-12-01T07:00:00.500000000Z');
    expect(parseLogTime('2026-12-01T07:00:00Z')?.ns).toBe(1796108400000000000n);
  });

  it('reads Docker’s since/until forms', () => {
    expect(parseTimeFilter('1796108400')).toBe(1796108400000000000n);
    expect(parseTimeFilter('1796108400.25')).toBe(1796108400250000000n);
    expect(parseTimeFilter(1796108400.5)).toBe(1796108400500000000n);
    expect(parseTimeFilter('2026-12-01T07:00:00.000000001Z')).toBe(1796108400000000001n);
    expect(() => parseTimeFilter('soon')).toThrow(/invalid time/);
  });
});
