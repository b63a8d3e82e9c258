import { describe, expect, it } from 'vitest';
import { RuntimeSpecError } from './runtime-errors.js';
import { normalizeSignal } from './signals.js';

describe('normalizeSignal', () => {
  it('accepts names with or without SIG, any case, and numbers', () => {
    expect(normalizeSignal('TERM')).toBe('SIGTERM');
    expect(normalizeSignal('sigusr1')).toBe('SIGUSR1');
    expect(normalizeSignal('9')).toBe('SIGKILL');
    expect(normalizeSignal(15)).toBe('SIGTERM');
    expect(normalizeSignal('6')).toBe('SIGABRT');
  });

  it('passes real-time signals as numbers', () => {
    expect(normalizeSignal('SIGRTMIN+3')).toBe('37');
    expect(normalizeSignal('RTMAX')).toBe('64');
  });

  it('refuses the rest', () => {
    expect(() => normalizeSignal('SIGFOO')).toThrow(RuntimeSpecError);
    expect(() => normalizeSignal('99')).toThrow(RuntimeSpecError);
  });
});
