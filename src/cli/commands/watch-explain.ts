/**
 * `dev watch --explain <path>`: for each watch rule, whether it keeps or drops the path and
 * which pattern (file and line) decided, and what a change to it would do.
 */
import { lstatSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Project } from '../../model/project.js';
import type { IgnorePattern } from '../../watch/patterns.js';
import { type CompiledRule, judgePath, type RuleVerdict } from '../../watch/rules.js';

export interface ExplainInput {
  project: Project;
  rules: CompiledRule[];
  /** Compose files and env files. */
  projectFiles: string[];
  /** Ignore files the rules were read with. */
  ignoreFiles: string[];
  path: string;
  cwd: string;
}

/** The explanation, one line per rule plus a verdict. */
export function explainWatchPath(input: ExplainInput): string[] {
  const abs = resolve(input.cwd, input.path);
  const shown = relative(input.cwd, abs) || '.';
  const isDir = lstatSync(abs, { throwIfNoEntry: false })?.isDirectory();
  const lines = [`${shown}${isDir ? '/' : ''}`];
  let kept = 0;
  let covering = 0;
  for (const rule of input.rules) {
    const verdict = judgePath(rule, abs, isDir);
    if (verdict.kind === 'outside') continue;
    covering++;
    if (verdict.kind === 'kept') kept++;
    lines.push(`  ${rule.label}: ${describeVerdict(rule, verdict, input.project)}`);
    for (const note of rule.notes) lines.push(`    note: ${note}`);
  }
  if (covering === 0) lines.push(`  no rule's path holds it (${input.rules.length} rules: ${paths(input)})`);
  if (input.projectFiles.includes(abs)) {
    kept++;
    lines.push(
      '  a compose or env file of the project: a change is re-planned, and only the difference applied',
    );
  }
  if (input.ignoreFiles.includes(abs)) {
    kept++;
    lines.push('  an ignore file the rules are read with: a change reads the rules again');
  }
  if (kept === 0) lines.push(`no rule keeps ${shown}: changing it does nothing`);
  return lines;
}

function paths(input: ExplainInput): string {
  return [...new Set(input.rules.map((r) => relative(input.cwd, r.path) || '.'))].join(', ');
}

function describeVerdict(rule: CompiledRule, v: RuleVerdict, project: Project): string {
  switch (v.kind) {
    case 'outside':
      return 'not under its path';
    case 'ignored':
      return `dropped by ${v.by ? where(v.by) : v.layer}`;
    case 'not-included':
      return 'dropped: no `include:` pattern matches it';
    case 'kept': {
      const by = v.by ? ` (kept by ${where(v.by)})` : '';
      return `kept${by} → ${effect(rule, v.containerPath, project)}`;
    }
  }
}

/** `.gitignore:3 \`node_modules/\``, `built-in \`**\/.git\``. */
export function where(p: IgnorePattern): string {
  return `${p.source}${p.line !== undefined ? `:${p.line}` : ''} \`${p.text}\``;
}

function effect(rule: CompiledRule, containerPath: string | undefined, project: Project): string {
  const s = rule.service;
  const dependents = Object.entries(project.services)
    .filter(([, c]) => c.depends_on?.[s]?.restart === true)
    .map(([name]) => name);
  const andThem = dependents.length > 0 ? `, then restart ${dependents.join(', ')}` : '';
  const sync = `sync to ${s}:${containerPath ?? rule.target ?? '?'}`;
  switch (rule.action) {
    case 'sync':
      return sync;
    case 'sync+restart':
      return `${sync}, then restart ${s}${andThem}`;
    case 'sync+exec':
      return `${sync}, then run \`${rule.exec?.command.join(' ') ?? ''}\` in ${s}`;
    case 'rebuild':
      return `rebuild ${s}'s image and recreate ${s} if it changed${andThem}`;
    case 'restart':
      return `restart ${s}${andThem}`;
  }
}
