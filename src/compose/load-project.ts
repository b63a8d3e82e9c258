/**
 * `loadProject`: compose files + env → the canonical Project, as Docker Compose loads it:
 * find files → env files → parse + interpolate + cast each file → extends → merge files →
 * include → validate (schema) → env_file → normalise → profiles → consistency checks.
 * Every problem is collected and thrown at once as a ComposeFileError.
 */
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { ComposeFileError, type ComposeIssue } from '../model/errors.js';
import type { Project } from '../model/project.js';
import { checkConsistency } from './consistency.js';
import { DocumentLoader, isObj, type Obj } from './document-loader.js';
import type { ProjectEnvironment } from './environment.js';
import { applyExtends } from './extends.js';
import { findComposeFiles, STDIN } from './find-files.js';
import { applyInclude } from './include.js';
import { substitute } from './interpolate.js';
import { loadEnvironment } from './load-environment.js';
import { locate } from './locate.js';
import { applyResets, enforceUnicity, mergeComposeDocuments } from './merge.js';
import { normalizeProject } from './normalize.js';
import { Origins, pointerToPath } from './origins.js';
import { applyProfiles, listProfiles } from './profiles.js';
import { checkProjectName, isValidProjectName, projectNameFromDirectory } from './project-name.js';
import { readStdin, readTextFile } from './read-text.js';
import { schemaIssues } from './schema-issues.js';
import { validateComposeSchema } from './schema-validator.js';
import { applyServiceEnvFiles } from './service-env-files.js';
import { checkValues } from './value-checks.js';

export interface LoadProjectOptions {
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

export interface LoadedProject {
  project: Project;
  /** The merged document before normalisation (`--no-normalize` prints it). */
  raw: Obj;
  origins: Origins;
  environment: ProjectEnvironment;
  files: string[];
  envFiles: string[];
  workingDir: string;
  warnings: ComposeIssue[];
  /** Services left out by the active profiles. */
  disabledServices: string[];
  /** Every profile any service names, sorted. */
  profiles: string[];
}

/** Loads and validates a project; throws ComposeFileError with every issue found, or DevError. */
export function loadProject(options: LoadProjectOptions = {}): LoadedProject {
  const cwd = options.cwd ?? process.cwd();
  const shell = options.env ?? process.env;
  const readText = (path: string) => readTextFile(path, /\.ya?ml$/.test(path) ? 'compose file' : 'file');
  const firstFile = options.files?.find((f) => f !== STDIN);
  const envDir = options.projectDirectory
    ? resolve(cwd, options.projectDirectory)
    : firstFile
      ? dirname(resolve(cwd, firstFile))
      : cwd;
  const loadedEnv = loadEnvironment({ shell, cwd, workingDir: envDir, envFiles: options.envFiles, readText });
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

  const profiles = options.profiles ?? splitList(environment.value('COMPOSE_PROFILES'));
  applyServiceEnvFiles(raw, workingDir, loader, neededServices(raw, profiles, options.services ?? []));
  throwIfErrors(issues, warnings);

  const normalized = placeIssues(raw, origins, warnings, () =>
    normalizeProject(raw, {
      projectName,
      workingDir,
      resolvePaths: options.resolvePaths !== false,
      homeDir: options.homeDir ?? homedir(),
      lookup: (name) => environment.value(name),
    }),
  );
  const { project, disabled } = applyProfiles(
    normalized,
    profiles,
    options.services ?? [],
    raw,
    origins,
    issues,
    warnings,
  );
  if (options.consistency !== false) issues.push(...checkConsistency(project, raw, origins));
  throwIfErrors(issues, warnings);

  warnings.push(...issues.filter((i) => i.severity === 'warning'));
  return {
    project,
    raw,
    origins,
    environment,
    files,
    envFiles: loadedEnv.files,
    workingDir,
    warnings: uniqueByMessage(warnings),
    disabledServices: disabled,
    profiles: listProfiles(normalized),
  };
}

function decideProjectName(
  options: LoadProjectOptions,
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

function throwIfErrors(issues: ComposeIssue[], warnings: ComposeIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const all = [...warnings, ...issues.filter((i) => i.severity === 'warning')];
    throw new ComposeFileError(errors, { warnings: uniqueByMessage(all) });
  }
}

/** Runs `fn`; issues it throws that know only their pointer get the position the origins give. */
function placeIssues<T>(raw: Obj, origins: Origins, warnings: ComposeIssue[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ComposeFileError)) throw e;
    const placed = e.issues.map((i) => {
      if (i.position) return i;
      const { position } = locate(raw, origins, pointerToPath(i.pointer));
      return position ? { ...i, position } : i;
    });
    throw new ComposeFileError(placed, { warnings: uniqueByMessage([...warnings, ...e.warnings]) });
  }
}

/** Services a command needs: the targeted ones and their dependencies, else all that the profiles enable. */
function neededServices(raw: Obj, profiles: string[], targets: string[]): (name: string) => boolean {
  const services = isObj(raw.services) ? raw.services : {};
  const listOf = (v: unknown): string[] =>
    Array.isArray(v) ? v.map(String) : isObj(v) ? Object.keys(v) : [];
  if (targets.length === 0) {
    const active = new Set(profiles);
    return (name) => {
      const own = listOf(isObj(services[name]) ? services[name].profiles : undefined);
      return own.length === 0 || active.has('*') || own.some((p) => active.has(p));
    };
  }
  const needed = new Set<string>();
  const add = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    const s = services[name];
    if (isObj(s)) for (const dep of listOf(s.depends_on)) add(dep);
  };
  targets.forEach(add);
  return (name) => needed.has(name);
}

/** The same warning (an unset variable used in several places) is said once. */
function uniqueByMessage(list: ComposeIssue[]): ComposeIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => !seen.has(i.message) && !!seen.add(i.message));
}

function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
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
