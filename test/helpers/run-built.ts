/** Runs the built CLI (dist/dev.cjs) as a user would: a real process, its exit code and output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './corpus.js';

export const devBinary = join(projectRoot, 'dist/dev.cjs');
const cacheDir = mkdtempSync(join(tmpdir(), 'dev-code-cache-'));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
}

/** `dev ...args` in `cwd` with a clean environment (PATH, HOME and what `env` adds). */
export function runBuilt(args: string[], options: RunOptions): RunResult {
  const result = spawnSync(process.execPath, [devBinary, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DEV_CACHE_DIR: cacheDir,
      ...options.env,
    },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
