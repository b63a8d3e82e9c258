import { describe, expect, it } from 'vitest';
import { changedFields, configDigests, decodeConfigDigests, encodeConfigDigests } from './config-digest.js';

describe('configDigests', () => {
  it('digests mapping fields per key and names what changed', () => {
    const before = configDigests({ image: 'a', environment: { DEBUG: 'false', X: '1' }, scale: 2 });
    const after = configDigests({ image: 'a', environment: { DEBUG: 'true', X: '1' }, scale: 3 });
    expect(Object.keys(before)).toEqual(['environment.DEBUG', 'environment.X', 'image']);
    expect(changedFields(before, after)).toEqual(['environment.DEBUG']);
    expect(changedFields(after, configDigests({ image: 'b', environment: { X: '1' } }))).toEqual([
      'environment.DEBUG',
      'image',
    ]);
  });

  it('round-trips through the label encoding, keys with separators included', () => {
    const d = configDigests({ image: 'a', labels: { 'a=b,c': 'x' } });
    expect(decodeConfigDigests(encodeConfigDigests(d))).toEqual(d);
    expect(decodeConfigDigests(undefined)).toBeUndefined();
    expect(decodeConfigDigests('garbage')).toBeUndefined();
    expect(decodeConfigDigests('')).toEqual({});
  });
});
