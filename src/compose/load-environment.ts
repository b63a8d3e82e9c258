/**
 * The project's variables before any compose file is read: the shell, then `--env-file`s,
 * `COMPOSE_ENV_FILES`, or the `.env` of the working directory (unless
 * `COMPOSE_DISABLE_ENV_FILE`); the shell always wins.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ComposeFileError, type ComposeIssue } from '../model/errors.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import { ProjectEnvironment } from './environment.js';

export interface LoadEnvironmentOptions {
  shell: Record<string, string | undefined>;
  cwd: string;
  /** Where the default `.env` is looked for. */
  workingDir: string;
  /** `--env-file` values (relative to cwd). */
  envFiles?: string[];
  readText: (path: string) => string;
}

export interface LoadedEnvironment {
  environment: ProjectEnvironment;
  /** The env files read, absolute. */
  files: string[];
}

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

/** Reads the env files into a ProjectEnvironment; a missing explicit env file is an error. */
export function loadEnvironment(options: LoadEnvironmentOptions): LoadedEnvironment {
  const { shell, cwd } = options;
  let candidates: { path: string; required: boolean }[];
  if (options.envFiles && options.envFiles.length > 0) {
    candidates = options.envFiles.map((f) => ({ path: resolve(cwd, f), required: true }));
  } else if (shell.COMPOSE_ENV_FILES) {
    candidates = shell.COMPOSE_ENV_FILES.split(',')
      .filter(Boolean)
      .map((f) => ({ path: resolve(cwd, f), required: true }));
  } else if (TRUTHY.has((shell.COMPOSE_DISABLE_ENV_FILE ?? '').toLowerCase())) {
    candidates = [];
  } else {
    candidates = [{ path: resolve(options.workingDir, '.env'), required: false }];
  }

  const parsed: { file: string; values: Record<string, string> }[] = [];
  for (const { path, required } of candidates) {
    if (!required && !existsSync(path)) continue;
    const text = options.readText(path);
    const earlier: Record<string, string> = Object.assign({}, ...parsed.map((p) => p.values));
    try {
      parsed.push({
        file: path,
        values: parseDotenv(text, { file: path, lookup: (n) => shell[n] ?? earlier[n] }),
      });
    } catch (e) {
      if (e instanceof DotenvError) {
        const issue: ComposeIssue = {
          severity: 'error',
          pointer: '',
          ...(e.line ? { position: { file: path, line: e.line, column: 1 } } : { file: path }),
          message: e.detail,
          hint: 'env files hold one KEY=value per line',
        };
        throw new ComposeFileError([issue], { cause: e });
      }
      throw e;
    }
  }
  return { environment: ProjectEnvironment.from(shell, parsed), files: parsed.map((p) => p.file) };
}
