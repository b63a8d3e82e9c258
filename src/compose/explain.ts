/**
 * `dev config --explain web.environment.DEBUG`: for each final value, where it was written
 * (file:line, through `extends`/`include`/`env_file`), what it overrode, and which variables
 * fed it with who supplied them. Values that look like secrets are never shown.
 */
import { DevError } from '../model/errors.js';
import type { LoadedProject } from './load-project.js';
import { findOrigin } from './locate.js';
import type { Origin } from './origins.js';

export interface ExplainEntry {
  /** Dotted path in the normalised project: `web.environment.DEBUG`. */
  path: string;
  /** The final value, or undefined when masked. */
  value: unknown;
  masked: boolean;
  /** Where it was written; absent for values Compose adds by default (e.g. `networks.default`). */
  origin?: Origin;
  /** True when the origin is that of an enclosing value (the value was not written itself). */
  inherited: boolean;
}

const SECRET_NAME = /pass|secret|token|credential|private|api_?key|auth/i;

/** Explains `target` (`service`, `service.field`, `service.field.key`, …). */
export function explain(loaded: LoadedProject, target: string): ExplainEntry[] {
  const [service, ...field] = target.split('.');
  const config = service ? loaded.project.services[service] : undefined;
  if (!service || !config) {
    const known = Object.keys(loaded.project.services).join(', ');
    throw new DevError('EXPLAIN_UNKNOWN_SERVICE', `no service "${service ?? ''}" in the project`, {
      hint: `services: ${known || '(none)'}`,
    });
  }
  let value: unknown = config;
  for (const seg of field) {
    if (value === null || typeof value !== 'object' || !(seg in value)) {
      throw new DevError('EXPLAIN_UNKNOWN_FIELD', `service "${service}" has no value at ${target}`, {
        hint: `fields set: ${Object.keys(config).join(', ')}`,
      });
    }
    value = (value as Record<string, unknown>)[seg];
  }
  const entries: ExplainEntry[] = [];
  const add = (path: string[], v: unknown) => {
    let found = findOrigin(loaded.raw, loaded.origins, ['services', service, ...path]);
    // The service's own origin is not where a field it never wrote came from: that is a default.
    if (found && !found.exact && found.path.length < 3) found = undefined;
    const masked = looksSecret(path, v, found?.origin);
    entries.push({
      path: [service, ...path].join('.'),
      value: masked ? undefined : v,
      masked,
      ...(found ? { origin: withPositions(found.origin, loaded) } : {}),
      inherited: !!found && !found.exact,
    });
  };
  // A service or a mapping is explained key by key; a leaf or a list as one value.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && field.length < 2) {
    for (const [k, v] of Object.entries(value)) add([...field, k], v);
  } else {
    add(field, value);
  }
  return entries;
}

/** The origin chain with line and column filled in (they are worked out lazily). */
function withPositions(origin: Origin, loaded: LoadedProject): Origin {
  const out: Origin = { ...origin, ...loaded.origins.positionOf(origin) };
  if (origin.previous) out.previous = withPositions(origin.previous, loaded);
  return out;
}

function looksSecret(path: string[], value: unknown, origin: Origin | undefined): boolean {
  if (typeof value === 'object' && value !== null) return false;
  const inEnvironment = path.includes('environment') || path.includes('args');
  if (inEnvironment && SECRET_NAME.test(path[path.length - 1] ?? '')) return true;
  return (origin?.variables ?? []).some((v) => SECRET_NAME.test(v.name));
}
