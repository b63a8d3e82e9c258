/**
 * Commands in exec form: `command`/`entrypoint` strings are split like a shell would, a
 * healthcheck `test` string becomes `['CMD-SHELL', test]`; also lifecycle hooks and the
 * `develop.watch` rules that may run them.
 */
import type { DevelopConfig, ServiceHook, WatchRule } from '../model/develop.js';
import type { Healthcheck } from '../model/service.js';
import { absolutePath, addIssue, attempt, type DocPath, type NormalizeContext } from './normalize-context.js';
import {
  cloneValue,
  isRecord,
  scalarString,
  toDuration,
  toStringList,
  toVariables,
} from './normalize-values.js';
import { splitShellWords } from './shell-words.js';

/** `command`/`entrypoint`: a string is split into words (`''` → `[]`), a list is kept; null → undefined. */
export function toCommand(value: unknown, ctx: NormalizeContext, path: DocPath): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(scalarString);
  return attempt(ctx, path, () => splitShellWords(scalarString(value)));
}

/** Normalises `healthcheck`: durations in Go form, a string `test` run by the shell. */
export function normalizeHealthcheck(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): Healthcheck | undefined {
  if (!isRecord(value)) return undefined;
  const check = cloneValue(value) as unknown as Healthcheck;
  if (typeof value.test === 'string') check.test = ['CMD-SHELL', value.test];
  else if (Array.isArray(value.test)) check.test = value.test.map(scalarString);
  for (const key of ['timeout', 'interval', 'start_period', 'start_interval'] as const) {
    if (value[key] !== undefined && value[key] !== null)
      check[key] = toDuration(value[key], ctx, [...path, key]);
  }
  if (value.disable === false) delete check.disable;
  return check;
}

/** A `post_start`/`pre_stop`/watch `exec` hook. */
export function normalizeHook(value: unknown, ctx: NormalizeContext, path: DocPath): ServiceHook | undefined {
  if (!isRecord(value)) {
    addIssue(ctx, path, `invalid hook ${JSON.stringify(value)}`);
    return undefined;
  }
  const hook = cloneValue(value) as unknown as ServiceHook;
  hook.command = toCommand(value.command, ctx, [...path, 'command']) ?? [];
  // Hook variables are not looked up: they are passed as written, unset when without a value.
  if (value.environment !== undefined)
    hook.environment = toVariables(value.environment, () => undefined, 'null');
  if (value.privileged === false) delete hook.privileged;
  return hook;
}

/** A list of hooks. */
export function normalizeHooks(value: unknown, ctx: NormalizeContext, path: DocPath): ServiceHook[] {
  const out: ServiceHook[] = [];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    const hook = normalizeHook(entry, ctx, [...path, i]);
    if (hook) out.push(hook);
  });
  return out;
}

/** `develop`: watch paths made absolute; a rule with several paths becomes one rule per path. */
export function normalizeDevelop(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): DevelopConfig | undefined {
  if (!isRecord(value)) return undefined;
  const develop = cloneValue(value) as unknown as DevelopConfig;
  if (!Array.isArray(value.watch)) return develop;
  const rules: WatchRule[] = [];
  value.watch.forEach((raw, i) => {
    const at = [...path, 'watch', i];
    if (!isRecord(raw)) {
      addIssue(ctx, at, `invalid watch rule ${JSON.stringify(raw)}`);
      return;
    }
    for (const watched of Array.isArray(raw.path) ? raw.path : [raw.path]) {
      const rule = cloneValue(raw) as unknown as WatchRule;
      rule.path = absolutePath(scalarString(watched), ctx);
      if (raw.ignore !== undefined) rule.ignore = toStringList(raw.ignore);
      if (raw.include !== undefined) rule.include = toStringList(raw.include);
      if (raw.exec !== undefined) {
        const exec = normalizeHook(raw.exec, ctx, [...at, 'exec']);
        if (exec) rule.exec = exec;
      }
      rules.push(rule);
    }
  });
  develop.watch = rules;
  return develop;
}
