/**
 * Compose files + environment → one merged, validated raw document, as Docker Compose reads
 * them: find files → env files → parse + interpolate + cast each file → extends → merge files
 * → include → schema and value checks. Every problem is collected and thrown at once as a
 * ComposeFileError. `loadProject` normalises the result.
 */
import { basename, dirname, resolve } from 'node:path';
import { ComposeFileError, type ComposeIssue } from '../model/errors.js';
import { DocumentLoader, type Obj } from './document-loader.js';
import type { ProjectEnvironment } from './environment.js';
import { applyExtends } from './extends.js';
import { findComposeFiles, STDIN } from './find-files.js';
import { applyInclude } from './include.js';
import { substitute } from './interpolate.js';
import { loadEnvironment } from './load-environment.js';
import { locate } from './locate.js';
import { applyResets, enforceUnicity, mergeComposeDocuments } from './merge.js';
import { Origins } from './origins.js';
import { checkProjectName, isValidProjectName, projectNameFromDirectory } from './project-name.js';
import { readStdin, readTextFile } from './read-text.js';
import { schemaIssues } from './schema-issues.js';
import { validateComposeSchema } from './schema-validator.js';
import { checkValues } from './value-checks.js';

export interface LoadDocumentOptions {
  /** `-f` values; `-` reads stdin. */
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFiles?: string[];
  profiles?: string[];
  /** Services named on the command line: their profiles become active. */
  services?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  homeDir?: string;
  readStdin?: () => string;
  /** false: `--no-interpolate`. */
  interpolate?: boolean;
  /** false: `--no-consistency` (no cross-reference checks). */
  consistency?: boolean;
  /** false: `--no-path-resolution`. */
  resolvePaths?: boolean;
}

/** The merged document with what it was made from. */
export interface MergedDocument {
  /** The merged document before normalisation (`--no-normalize` prints it). */
  raw: Obj;
  origins: Origins;
  environment: ProjectEnvironment;
  projectName: string;
  files: string[];
  envFiles: string[];
  workingDir: string;
  warnings: ComposeIssue[];
  /** Loads further files (env files of services) in the same environment, collecting issues. */
  loader: DocumentLoader;
}

/** Reads, merges and validates the compose files; throws ComposeFileError with every issue found, or DevError. */
export function loadMergedDocument(options: LoadDocumentOptions = {}): MergedDocument {
  const cwd = options.cwd ?? process.cwd();
  const shell = options.env ?? process.env;
  const readText = (path: string) => readTextFile(path, /\.ya?ml$/.test(path) ? 'compose file' : 'file');
  const firstFile = options.files?.find((f) => f !== STDIN);
  const envDir = options.projectDirectory
    ? resolve(cwd, options.projectDirectory)
    : firstFile
      ? dirname(resolve(cwd, firstFile))
      : cwd;
  let loadedEnv = loadEnvironment({ shell, cwd, workingDir: envDir, envFiles: options.envFiles, readText });
  let environment = loadedEnv.environment;

  const found = findComposeFiles({
    files: options.files,
    composeFileEnv: environment.value('COMPOSE_FILE'),
    pathSeparator: environment.value('COMPOSE_PATH_SEPARATOR'),
    projectDirectory: options.projectDirectory,
    cwd,
  });
  const files = found.files;
  const mainFile = files.find((f) => f !== STDIN);
  const workingDir = options.projectDirectory
    ? resolve(cwd, options.projectDirectory)
    : mainFile && files[0] !== STDIN
      ? dirname(mainFile)
      : cwd;
  if (workingDir !== envDir && !options.envFiles?.length && !shell.COMPOSE_ENV_FILES) {
    // The files were found in a parent directory: the project's `.env` is the one beside them.
    loadedEnv = loadEnvironment({ shell, cwd, workingDir, readText });
    environment = loadedEnv.environment;
  }

  const origins = new Origins();
  const issues: ComposeIssue[] = [];
  const warnings: ComposeIssue[] = [];
  if (found.warning) warnings.push({ severity: 'warning', pointer: '', message: found.warning });
  let stdinText: string | undefined;
  const readAny = (path: string) => {
    if (path !== stdinPath(cwd)) return readText(path);
    stdinText ??= readStdin(options.readStdin);
    return stdinText;
  };

  // The project name can come from `name:`, which may itself use variables; it is needed
  // before the rest is interpolated (as ${COMPOSE_PROJECT_NAME}).
  const named = !!(options.projectName || environment.value('COMPOSE_PROJECT_NAME'));
  const probe = new DocumentLoader({
    origins,
    env: environment,
    interpolate: false,
    readText: readAny,
    issues: [],
  });
  const docs = named ? [] : files.map((f) => probe.load(asPath(f, cwd), displayName(f)));
  const projectName = decideProjectName(options, environment, docs, workingDir, origins);
  if (!environment.value('COMPOSE_PROJECT_NAME'))
    environment = environment.with('COMPOSE_PROJECT_NAME', projectName);

  const loader = new DocumentLoader({
    origins,
    env: environment,
    interpolate: options.interpolate !== false,
    readText: readAny,
    issues,
  });
  let merged: Obj | undefined;
  let unreadable = false;
  for (const f of files) {
    const path = asPath(f, cwd);
    const doc = loader.load(path, displayName(f));
    if (!doc) {
      unreadable = true;
      continue;
    }
    applyExtends(doc, path, loader);
    merged = merged ? mergeComposeDocuments(merged, doc, origins) : applyResets(doc, origins);
  }
  // A file that could not be read or parsed stops here; bad values (interpolation, casts)
  // do not, so that schema problems are reported with them.
  if (unreadable || !merged) throwIfErrors(issues, warnings);
  let raw = merged as Obj;
  applyInclude(raw, asPath(files[0] as string, cwd), loader);
  raw = enforceUnicity(raw, origins);

  if (raw.version !== undefined) {
    warnings.push({
      ...locate(raw, origins, [], 'version'),
      severity: 'warning',
      message: 'the `version` attribute is obsolete and ignored',
      hint: 'remove it',
    });
  }
  const reported = issues.filter((i) => i.severity === 'error').map((i) => i.pointer);
  const overlaps = (p: string) =>
    reported.some((r) => r === p || p.startsWith(`${r}/`) || r.startsWith(`${p}/`));
  issues.push(...schemaIssues(validateComposeSchema(raw), raw, origins).filter((i) => !overlaps(i.pointer)));
  issues.push(...checkValues(raw, origins).filter((i) => !overlaps(i.pointer)));
  throwIfErrors(issues, warnings);

  return {
    raw,
    origins,
    environment,
    projectName,
    files,
    envFiles: loadedEnv.files,
    workingDir,
    warnings: uniqueByMessage([...warnings, ...issues.filter((i) => i.severity === 'warning')]),
    loader,
  };
}

function decideProjectName(
  options: LoadDocumentOptions,
  env: ProjectEnvironment,
  docs: (Obj | undefined)[],
  workingDir: string,
  origins: Origins,
): string {
  if (options.projectName) return checkProjectName(options.projectName, '--project-name');
  const fromEnv = env.value('COMPOSE_PROJECT_NAME');
  if (fromEnv) return checkProjectName(fromEnv, 'COMPOSE_PROJECT_NAME');
  for (const doc of [...docs].reverse()) {
    if (doc && typeof doc.name === 'string' && doc.name !== '') {
      let name = doc.name;
      try {
        name = substitute(name, (n) => env.get(n)).value;
      } catch {
        // reported when the file is interpolated in full
      }
      if (name && !isValidProjectName(name)) {
        throw new ComposeFileError([
          {
            ...locate(doc, origins, ['name']),
            severity: 'error',
            message: `project name "${name}" is not valid`,
            hint: 'use lowercase letters, digits, dashes and underscores, starting with a letter or digit',
          },
        ]);
      }
      if (name) return name;
    }
  }
  const fromDir = projectNameFromDirectory(workingDir);
  return fromDir || checkProjectName(basename(workingDir), 'the project directory name');
}

/** Throws the errors among `issues`, with the warnings found so far. */
export function throwIfErrors(issues: ComposeIssue[], warnings: ComposeIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const all = [...warnings, ...issues.filter((i) => i.severity === 'warning')];
    throw new ComposeFileError(errors, { warnings: uniqueByMessage(all) });
  }
}

/** The same warning (an unset variable used in several places) is said once. */
export function uniqueByMessage(list: ComposeIssue[]): ComposeIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => !seen.has(i.message) && !!seen.add(i.message));
}

/** stdin is given a path of its own so that its document is cached like a file's. */
function stdinPath(cwd: string): string {
  return resolve(cwd, '<stdin>');
}

function asPath(f: string, cwd: string): string {
  return f === STDIN ? stdinPath(cwd) : f;
}

function displayName(f: string): string {
  return f === STDIN ? '<stdin>' : f;
}
