import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['512m', 536_870_912],
    ['512M', 536_870_912],
    ['50M', 52_428_800],
    ['1g', 1_073_741_824],
    ['1gb', 1_073_741_824],
    ['1GiB', 1_073_741_824],
    ['2048k', 2_097_152],
    ['1024kb', 1_048_576],
    ['2b', 2],
    ['2B', 2],
    ['10000', 10_000],
    ['1.5g', 1_610_612_736],
    ['0.5k', 512],
    ['1 kb', 1_024],
    ['1t', 1024 ** 4],
    ['1p', 1024 ** 5],
  ])('%s → %d', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it('passes numbers through, including -1 for unlimited swap', () => {
    expect(parseByteSize(10_000)).toBe(10_000);
    expect(parseByteSize(-1)).toBe(-1);
  });

  it('truncates fractions of a byte', () => {
    expect(parseByteSize('1.7')).toBe(1);
    expect(parseByteSize('1.0001k')).toBe(1024);
  });

  it.each(['', 'abc', 'm', '1x', '1kk', '1kbb', '1ib', '-1m', '1  m', '1e3'])('rejects %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(RangeError);
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseByteSize(Number.NaN)).toThrow(RangeError);
  });
});
