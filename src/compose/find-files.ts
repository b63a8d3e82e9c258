/**
 * Which compose files a command reads, as Docker Compose picks them: `-f` flags, then
 * `COMPOSE_FILE`, then the default names in the working directory or its nearest parent,
 * with the matching `*.override.*` file on top.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DevError } from '../model/errors.js';

/** Default file names, in the order Compose prefers them. */
export const DEFAULT_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
];
const OVERRIDE_NAMES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
};

/** `-` stands for standard input. */
export const STDIN = '-';

export interface FindComposeFilesOptions {
  /** `-f` values, in order. */
  files?: string[];
  /** `COMPOSE_FILE`, already read from the environment (shell or `.env`). */
  composeFileEnv?: string;
  /** `COMPOSE_PATH_SEPARATOR`; `:` by default (`;` on Windows). */
  pathSeparator?: string;
  /** `--project-directory`: where the default lookup starts. */
  projectDirectory?: string;
  cwd: string;
  isFile?: (path: string) => boolean;
}

export interface FoundComposeFiles {
  /** Absolute paths, or `-` for stdin. */
  files: string[];
  /** Set when several default names sat side by side and the first was chosen. */
  warning?: string;
}

/** Resolves the compose files to read; throws DevError `COMPOSE_FILE_NOT_FOUND` when none is found. */
export function findComposeFiles(options: FindComposeFilesOptions): FoundComposeFiles {
  const isFile = options.isFile ?? defaultIsFile;
  if (options.files && options.files.length > 0) {
    return { files: options.files.map((f) => (f === STDIN ? f : resolve(options.cwd, f))) };
  }
  if (options.composeFileEnv) {
    const sep = options.pathSeparator || (process.platform === 'win32' ? ';' : ':');
    const files = options.composeFileEnv.split(sep).filter((f) => f !== '');
    const base = options.projectDirectory ? resolve(options.cwd, options.projectDirectory) : options.cwd;
    return { files: files.map((f) => resolve(base, f)) };
  }
  const start = options.projectDirectory ? resolve(options.cwd, options.projectDirectory) : options.cwd;
  for (let dir = start; ; dir = dirname(dir)) {
    const present = DEFAULT_FILE_NAMES.filter((name) => isFile(join(dir, name)));
    const chosen = present[0];
    if (chosen) {
      const files = [join(dir, chosen)];
      const override = (OVERRIDE_NAMES[chosen] ?? []).find((name) => isFile(join(dir, name)));
      if (override) files.push(join(dir, override));
      const warning =
        present.length > 1
          ? `found several compose files in ${dir} (${present.join(', ')}); using ${chosen}`
          : undefined;
      return warning ? { files, warning } : { files };
    }
    if (dirname(dir) === dir || options.projectDirectory) break;
  }
  throw new DevError('COMPOSE_FILE_NOT_FOUND', `no compose file found in ${start} or its parents`, {
    hint: `create ${DEFAULT_FILE_NAMES[0]} there, or name the file with -f`,
  });
}

function defaultIsFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}
