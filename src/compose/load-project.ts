/**
 * `loadProject`: the merged document (see load-document.ts) → the canonical Project: service
 * env files read, normalised, profiles applied, cross-references checked.
 */
import { homedir } from 'node:os';
import { ComposeFileError, type ComposeIssue } from '../model/errors.js';
import type { Project } from '../model/project.js';
import { checkConsistency } from './consistency.js';
import { isObj, type Obj } from './document-loader.js';
import {
  type LoadDocumentOptions,
  loadMergedDocument,
  type MergedDocument,
  throwIfErrors,
  uniqueByMessage,
} from './load-document.js';
import { locate } from './locate.js';
import { normalizeProject } from './normalize.js';
import { type Origins, pointerToPath } from './origins.js';
import { applyProfiles, listProfiles } from './profiles.js';
import { applyServiceEnvFiles } from './service-env-files.js';

export type LoadProjectOptions = LoadDocumentOptions;

export interface LoadedProject extends Omit<MergedDocument, 'loader' | 'projectName'> {
  project: Project;
  /** Services left out by the active profiles. */
  disabledServices: string[];
  /** Every profile any service names, sorted. */
  profiles: string[];
}

/** Loads, validates and normalises a project; throws ComposeFileError with every issue found, or DevError. */
export function loadProject(options: LoadProjectOptions = {}): LoadedProject {
  const merged = loadMergedDocument(options);
  const { raw, origins, environment, loader, workingDir, projectName } = merged;
  const issues: ComposeIssue[] = [];
  const warnings = [...merged.warnings];

  const profiles = options.profiles ?? splitList(environment.value('COMPOSE_PROFILES'));
  // Its earlier issues were warnings, already in merged.warnings: start afresh for env files.
  loader.options.issues.length = 0;
  applyServiceEnvFiles(raw, workingDir, loader, neededServices(raw, profiles, options.services ?? []));
  issues.push(...loader.options.issues);
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
  if (options.consistency !== false) issues.push(...checkConsistency(project, raw, origins, disabled));
  throwIfErrors(issues, warnings);

  const { loader: _loader, projectName: _name, ...rest } = merged;
  return {
    ...rest,
    project,
    warnings: uniqueByMessage([...warnings, ...issues.filter((i) => i.severity === 'warning')]),
    disabledServices: disabled,
    profiles: listProfiles(normalized),
  };
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

function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
