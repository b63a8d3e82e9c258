/**
 * The services' `develop.watch` rules checked and compiled with their ignore model: built-in
 * ignores, the build context's `.dockerignore`, the repository's `.gitignore` files, and the
 * rule's own `ignore:`/`include:`. Every problem names the rule and the path.
 */
import { lstatSync } from 'node:fs';
import { isAbsolute, posix, relative } from 'node:path';
import type { WatchRule } from '../model/develop.js';
import { DevError } from '../model/errors.js';
import type { Project, ServiceConfig } from '../model/project.js';
import { loadDockerignore, loadGitignore } from './ignore-files.js';
import { builtInLayer, decideLayer, type IgnoreLayer } from './ignore-model.js';
import { compilePattern, type IgnorePattern, relativeInside } from './patterns.js';
import type { CompiledRule, WatchAction } from './rules.js';

const ACTIONS: readonly string[] = ['sync', 'sync+restart', 'sync+exec', 'rebuild', 'restart'];

export interface CompileRulesOptions {
  project: Project;
  /** Services to watch; empty: every service with rules. */
  services: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

export interface CompiledRules {
  rules: CompiledRule[];
  /** The services that have rules, sorted. */
  services: string[];
  warnings: string[];
  /** Ignore files the rules were read with: a change to one compiles the rules again. */
  ignoreFiles: string[];
}

/** Compiles the rules; throws DevError WATCH_RULE_INVALID naming the first bad rule (and how many more). */
export function compileRules(o: CompileRulesOptions): CompiledRules {
  const projectDir = o.project.workingDir ?? '/';
  const chosen = o.services.length > 0 ? o.services : Object.keys(o.project.services);
  const services = chosen.filter((s) => (o.project.services[s]?.develop?.watch ?? []).length > 0).sort();
  if (services.length === 0) {
    const which = o.services.length > 0 ? `the services ${o.services.join(', ')} have` : 'no service has';
    throw new DevError('WATCH_NO_RULES', `nothing to watch: ${which} no develop.watch rules`, {
      hint: 'add a develop.watch section to a service (see `dev watch --help` and the README)',
    });
  }
  const problems: { message: string; hint: string }[] = [];
  const warnings: string[] = [];
  const raw: { service: string; config: ServiceConfig; index: number; rule: WatchRule; label: string }[] = [];
  for (const service of services) {
    const config = o.project.services[service] as ServiceConfig;
    for (const [index, rule] of (config.develop?.watch ?? []).entries()) {
      const label = ruleLabel(service, index, rule, projectDir);
      const problem = checkRule(rule, config, projectDir);
      if (problem) problems.push({ message: `${label}: ${problem.message}`, hint: problem.hint });
      else raw.push({ service, config, index, rule, label });
    }
  }
  const [first, ...rest] = problems;
  if (first) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
    throw new DevError('WATCH_RULE_INVALID', `${first.message}${more}`, {
      hint: rest.length > 0 ? `${first.hint}; also: ${rest.map((p) => p.message).join('; ')}` : first.hint,
    });
  }

  const git =
    o.gitignore === false
      ? undefined
      : loadGitignore(
          projectDir,
          raw.map((r) => r.rule.path),
        );
  const ignoreFiles = new Set(git?.files ?? []);
  const builtIn = builtInLayer('/');
  const rules: CompiledRule[] = [];
  for (const { service, config, index, rule, label } of raw) {
    if (syncs(rule.action) && boundBy(rule.path, config)) {
      warnings.push(
        `${label}: ${display(rule.path, projectDir)} is bind-mounted into the container; not watched`,
      );
      continue;
    }
    const notes: string[] = [];
    const layers: IgnoreLayer[] = [builtIn];
    const docker = loadDockerignore(config.build, projectDir);
    if (docker) {
      layers.push(docker.layer);
      for (const f of docker.files) ignoreFiles.add(f);
    }
    if (git) {
      if (decideLayer(git.layer, rule.path, isDirectory(rule.path)).ignored) {
        notes.push(
          `.gitignore ignores ${display(rule.path, projectDir)} itself; the rule names it, so .gitignore does not apply`,
        );
      } else layers.push(git.layer);
    }
    const source = `${service} develop.watch[${index}]`;
    const own = patternsOf(rule.ignore, rule.path, `${source}.ignore`);
    if (own.length > 0) layers.push({ name: 'ignore:', dialect: 'docker', patterns: own });
    const include = patternsOf(rule.include, rule.path, `${source}.include`);
    if (!exists(rule.path)) warnings.push(`${label}: ${display(rule.path, projectDir)} does not exist (yet)`);
    rules.push({
      service,
      index,
      action: rule.action as WatchAction,
      path: rule.path,
      ...(rule.target !== undefined ? { target: posix.normalize(rule.target) } : {}),
      ...(rule.exec ? { exec: rule.exec } : {}),
      ignore: layers,
      ...(include.length > 0 ? { include: { name: 'include:', dialect: 'docker', patterns: include } } : {}),
      ...(initialSync(rule) !== undefined ? { initialSync: initialSync(rule) as boolean } : {}),
      label,
      notes,
    });
  }
  return { rules, services, warnings, ignoreFiles: [...ignoreFiles].sort() };
}

/** `web develop.watch[0] (sync ./src → /app/src)`. */
export function ruleLabel(service: string, index: number, rule: WatchRule, projectDir: string): string {
  const target = rule.target ? ` → ${rule.target}` : '';
  return `${service} develop.watch[${index}] (${rule.action} ${display(rule.path, projectDir)}${target})`;
}

/** A host path as the user wrote it: relative to the project, `./`-prefixed. */
export function display(path: string, projectDir: string): string {
  const rel = relativeInside(projectDir, path);
  if (rel === undefined) return path;
  return rel === '' ? '.' : `./${rel}`;
}

function checkRule(
  rule: WatchRule,
  config: ServiceConfig,
  projectDir: string,
): { message: string; hint: string } | undefined {
  if (!ACTIONS.includes(rule.action)) {
    return {
      message: `unknown action "${rule.action}"`,
      hint: 'use sync, sync+restart, sync+exec, rebuild or restart',
    };
  }
  if (!isAbsolute(rule.path) || relativeInside(projectDir, rule.path) === undefined) {
    const rel = isAbsolute(rule.path) ? relative(projectDir, rule.path) : rule.path;
    return {
      message: `path ${rel} is outside the project directory ${projectDir}`,
      hint: 'watch paths inside the project, or set --project-directory to a directory that holds them',
    };
  }
  if (syncs(rule.action)) {
    if (rule.target === undefined || rule.target === '') {
      return { message: 'a sync rule needs a target', hint: 'add `target:` with the path in the container' };
    }
    if (!rule.target.startsWith('/')) {
      return {
        message: `target "${rule.target}" is not an absolute path`,
        hint: `write the path in the container from its root, e.g. /${rule.target.replace(/^\.?\/*/, '')}`,
      };
    }
  }
  if (rule.action === 'rebuild' && !config.build) {
    return {
      message: 'rebuild needs a build section in the service',
      hint: 'add `build:` to the service, or use restart',
    };
  }
  if (rule.action === 'sync+exec' && !(rule.exec?.command?.length ?? 0)) {
    return { message: 'sync+exec needs exec.command', hint: 'add `exec: { command: [...] }` to the rule' };
  }
  return undefined;
}

function syncs(action: string): boolean {
  return action === 'sync' || action === 'sync+restart' || action === 'sync+exec';
}

function patternsOf(list: string[] | undefined, base: string, source: string): IgnorePattern[] {
  return (list ?? [])
    .map((text) => compilePattern(text, { dialect: 'docker', base, source }))
    .filter((p): p is IgnorePattern => p !== undefined);
}

/** A bind mount whose source holds the path: the container sees the file already (Compose skips these too). */
function boundBy(path: string, config: ServiceConfig): boolean {
  return (config.volumes ?? []).some(
    (v) => v.type === 'bind' && v.source !== undefined && relativeInside(v.source, path) !== undefined,
  );
}

function initialSync(rule: WatchRule): boolean | undefined {
  if (rule.initial_sync !== undefined) return rule.initial_sync;
  const legacy = rule['x-initialSync'];
  return typeof legacy === 'boolean' ? legacy : undefined;
}

function isDirectory(path: string): boolean | undefined {
  return lstatSync(path, { throwIfNoEntry: false })?.isDirectory();
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}
