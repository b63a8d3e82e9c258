/**
 * Byte sizes as compose reads them (`512m`, `1.5gb`, `2048k`, `10000`): binary multiples
 * (k = 1024), unit letters in any case, an optional `b` or `ib` after the unit and one optional
 * space before it. Fractions are allowed and truncated to whole bytes, like Docker's RAMInBytes.
 */

const MULTIPLIERS: Record<string, number> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

const SIZE = /^(\d+(?:\.\d*)?|\.\d+) ?([a-z]{0,3})$/i;

/** Bytes in `value`. Numbers pass through (so `memswap_limit: -1` stays -1). Throws RangeError. */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`invalid size: ${value}`);
    return Math.trunc(value);
  }
  const m = SIZE.exec(value.trim());
  if (!m) throw new RangeError(`invalid size: '${value}'`);
  const [, amount, suffix] = m as unknown as [string, string, string];
  const unit = suffix.toLowerCase();
  const size = Number(amount);
  if (unit === '' || unit === 'b') return Math.trunc(size);
  const multiplier = MULTIPLIERS[unit[0] ?? ''];
  // After the unit letter only `b` (`mb`) or `ib` (`mib`) may follow.
  const tail = unit.slice(1);
  if (multiplier === undefined || (tail !== '' && tail !== 'b' && tail !== 'ib')) {
    throw new RangeError(`invalid suffix: '${suffix}' in size '${value}'`);
  }
  return Math.trunc(size * multiplier);
}
