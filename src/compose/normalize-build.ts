/**
 * A service's `build` in long form: `build: ./dir` becomes `{context, dockerfile: Dockerfile}`,
 * the context and additional contexts become absolute unless remote, list forms become
 * mappings, build args without a value are taken from the environment or dropped.
 */
import type { BuildConfig } from '../model/build.js';
import { absoluteContextPath, addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import { normalizeFileReferences } from './normalize-references.js';
import { normalizeUlimits } from './normalize-resources.js';
import {
  cloneValue,
  isRecord,
  scalarString,
  toBytes,
  toExtraHosts,
  toMapping,
  toStringList,
  toVariables,
} from './normalize-values.js';

/** Normalises `services.<name>.build`. */
export function normalizeBuild(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): BuildConfig | undefined {
  if (typeof value === 'string') value = { context: value };
  if (!isRecord(value)) {
    addIssue(ctx, path, `invalid build ${JSON.stringify(value)}`);
    return undefined;
  }
  const raw = value;
  const build = cloneValue(raw) as unknown as BuildConfig;
  build.context = absoluteContextPath(
    raw.context === undefined || raw.context === null ? '.' : scalarString(raw.context),
    ctx,
  );
  if (raw.dockerfile === undefined && raw.dockerfile_inline === undefined) build.dockerfile = 'Dockerfile';
  const at = (key: string): DocPath => [...path, key];

  if (raw.args !== undefined)
    build.args = toVariables(raw.args, ctx.lookup, 'drop') as Record<string, string>;
  if (raw.labels !== undefined) build.labels = toMapping(raw.labels);
  if (raw.ssh !== undefined) build.ssh = toSshList(raw.ssh);
  if (raw.additional_contexts !== undefined) {
    const contexts = toMapping(raw.additional_contexts);
    for (const [name, location] of Object.entries(contexts))
      contexts[name] = absoluteContextPath(location, ctx);
    build.additional_contexts = contexts;
  }
  if (raw.extra_hosts !== undefined)
    build.extra_hosts = toExtraHosts(raw.extra_hosts, ctx, at('extra_hosts'));
  if (raw.shm_size !== undefined) build.shm_size = toBytes(raw.shm_size, ctx, at('shm_size'));
  if (raw.secrets !== undefined)
    build.secrets = normalizeFileReferences(raw.secrets, 'secret', ctx, at('secrets'));
  if (raw.ulimits !== undefined) build.ulimits = normalizeUlimits(raw.ulimits, ctx, at('ulimits'));
  for (const key of [
    'cache_from',
    'cache_to',
    'tags',
    'platforms',
    'entitlements',
    'no_cache_filter',
  ] as const) {
    if (raw[key] !== undefined) build[key] = toStringList(raw[key]);
  }
  // compose reads provenance and sbom as strings: `true` prints as "true".
  for (const key of ['provenance', 'sbom'] as const)
    if (raw[key] !== undefined) build[key] = scalarString(raw[key]);
  for (const key of ['no_cache', 'pull', 'privileged'] as const) if (raw[key] === false) delete build[key];
  return build;
}

/** `ssh` as a list of `default` / `id=path` entries; the mapping form `{id: path}` is converted. */
function toSshList(value: unknown): string[] {
  if (isRecord(value)) {
    return Object.entries(value).map(([id, path]) =>
      path === null || path === '' ? id : `${id}=${scalarString(path)}`,
    );
  }
  return toStringList(value);
}
