import { describe, expect, it } from 'vitest';
import { separateCommand } from './separate-command.js';

describe('separateCommand', () => {
  it('puts -- after the service of exec and run', () => {
    expect(separateCommand(['exec', 'web', 'sh', '-c', 'ls -l'])).toEqual([
      'exec',
      'web',
      '--',
      'sh',
      '-c',
      'ls -l',
    ]);
    expect(separateCommand(['-f', 'x.yaml', 'exec', '-u', 'root', '-T', 'web', 'grep', '-e', 'x'])).toEqual([
      '-f',
      'x.yaml',
      'exec',
      '-u',
      'root',
      '-T',
      'web',
      '--',
      'grep',
      '-e',
      'x',
    ]);
    expect(separateCommand(['run', '--rm', '-e', 'A=1', 'web', 'env'])).toEqual([
      'run',
      '--rm',
      '-e',
      'A=1',
      'web',
      '--',
      'env',
    ]);
  });

  it('leaves other commands, an explicit -- and a lone service alone', () => {
    expect(separateCommand(['up', '-d', 'web'])).toEqual(['up', '-d', 'web']);
    expect(separateCommand(['exec', 'web', '--', 'ls'])).toEqual(['exec', 'web', '--', 'ls']);
    expect(separateCommand(['run', 'web'])).toEqual(['run', 'web']);
    expect(separateCommand(['exec', '--env=A=1', 'web', 'ls', '-la'])).toEqual([
      'exec',
      '--env=A=1',
      'web',
      '--',
      'ls',
      '-la',
    ]);
  });
});
