import { describe, expect, it } from 'vitest';
import { parsePsOutput } from './list-processes.js';
import { RuntimeSpecError } from './runtime-errors.js';

const PS = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 07:00 ?        00:00:01 /sbin/init
root        4242    4200  0 07:01 ?        00:00:00 sleep 600 --long arg
1000        4243    4242  0 07:01 ?        00:00:00 sh -c echo hi
`;

describe('parsePsOutput', () => {
  it('keeps the rows of the given pids, the last column with its spaces', () => {
    expect(parsePsOutput(PS, new Set([4242, 4243]))).toEqual({
      titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      processes: [
        ['root', '4242', '4200', '0', '07:01', '?', '00:00:00', 'sleep 600 --long arg'],
        ['1000', '4243', '4242', '0', '07:01', '?', '00:00:00', 'sh -c echo hi'],
      ],
    });
  });

  it('needs a PID column', () => {
    expect(() => parsePsOutput('USER COMMAND\nroot init\n', new Set([1]))).toThrow(RuntimeSpecError);
  });
});
