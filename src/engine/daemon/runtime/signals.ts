/**
 * Signal names as Docker accepts them (`SIGTERM`, `TERM`, `15`, `sigusr1`) turned into the
 * form the OCI runtime takes; unknown ones throw RuntimeSpecError.
 */
import { constants } from 'node:os';
import { RuntimeSpecError } from './runtime-errors.js';

const BY_NUMBER = new Map<number, string>();
// The first name wins over later aliases (SIGABRT before SIGIOT).
for (const [name, number] of Object.entries(constants.signals))
  if (!BY_NUMBER.has(number)) BY_NUMBER.set(number, name);

/** `SIG<NAME>` for a name or number; real-time signals (`SIGRTMIN+3`, 34–64) pass as numbers. */
export function normalizeSignal(signal: string | number): string {
  const text = String(signal).trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    if (number < 1 || number > 64) throw new RuntimeSpecError('signal', `invalid signal ${signal}`);
    return BY_NUMBER.get(number) ?? String(number);
  }
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  if (name in constants.signals) return name;
  const realtime = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (realtime) {
    const offset = Number(realtime[1] ?? 0);
    const number = name.startsWith('SIGRTMIN') ? 34 + offset : 64 - offset;
    if (number >= 34 && number <= 64) return String(number);
  }
  throw new RuntimeSpecError('signal', `invalid signal "${signal}"`, {
    hint: 'use a name like SIGTERM or a number',
  });
}
