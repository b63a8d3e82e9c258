import { describe, expect, it } from 'vitest';
import { formatDuration, normalizeDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1h2m3.5s', 3_723_500],
    ['1h5m30s20ms', 3_930_020],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['10μs', 0.01],
    ['100ns', 0.0001],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['0', 0],
    ['-1s', -1_000],
    ['+2s', 2_000],
    [' 40s ', 40_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', 's', '1x', '1h x', '--1s', '1.2.3s', 'abc'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });

  it('says a bare number is missing its unit, as Go does', () => {
    expect(() => parseDuration('10')).toThrow('missing unit in duration "10"');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [60_000, '1m0s'],
    [120_000, '2m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_500, '1h2m3.5s'],
    [1_500, '1.5s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [0.0015, '1.5µs'],
    [0.0001, '100ns'],
    [-1_500, '-1.5s'],
    [86_400_000, '24h0m0s'],
    [1_000.000_001, '1.000000001s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('normalizeDuration', () => {
  it.each([
    ['120s', '2m0s'],
    ['60s', '1m0s'],
    ['90m', '1h30m0s'],
    ['1500ms', '1.5s'],
    ['1d', '24h0m0s'],
    ['10us', '10µs'],
  ])('%s → %s', (text, normalized) => {
    expect(normalizeDuration(text)).toBe(normalized);
  });
});
