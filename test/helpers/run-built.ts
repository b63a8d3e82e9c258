/** Runs the built CLI (dist/dev.cjs) as a user would: a real process, its exit code and output. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
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
  timeout?: number;
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
    timeout: options.timeout ?? 30_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `dev ...args` without waiting: for attached `up`, Ctrl-C and kill -9 tests. */
export function startBuilt(args: string[], options: RunOptions): import('node:child_process').ChildProcess {
  return spawn(process.execPath, [devBinary, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DEV_CACHE_DIR: cacheDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Output and exit code of a started process, once it exits. */
export function finished(child: import('node:child_process').ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/**
 * A copy of a project (a path under the repository, e.g. `examples/trio`) in a fresh temp dir,
 * and `dev` run there under the given project name: each test owns its files and project.
 */
export function projectCopy(path: string, project: string, env: Record<string, string> = {}) {
  const name = path.split('/').pop() ?? 'project';
  const dir = join(mkdtempSync(join(tmpdir(), `dev-e2e-${name}-`)), name);
  cpSync(join(projectRoot, path), dir, { recursive: true });
  const dev = (args: string[], more: Record<string, string> = {}) =>
    runBuilt(['-p', project, ...args], { cwd: dir, env: { ...env, ...more }, timeout: 120_000 });
  return { dir, dev };
}
