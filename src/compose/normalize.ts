/**
 * The last loading phase: a merged, validated compose document (plain JS) becomes the canonical
 * Project that `dev config` prints and the planner consumes. Mirrors what `docker compose
 * config` shows: long syntax everywhere, absolute paths, implicit defaults made explicit.
 */
import { ComposeFileError } from '../model/errors.js';
import type {
  Extensions,
  FileObjectConfig,
  ModelConfig,
  NetworkConfig,
  Project,
  VolumeConfig,
} from '../model/project.js';
import type { ServiceConfig } from '../model/service.js';
import {
  absolutePath,
  addIssue,
  createContext,
  type DocPath,
  type NormalizeContext,
  type NormalizeOptions,
} from './normalize-context.js';
import { normalizeService } from './normalize-service.js';
import { cloneValue, isRecord, scalarString, toMapping } from './normalize-values.js';

export type { NormalizeOptions } from './normalize-context.js';

/** Turns a merged, validated compose document (plain JS) into the canonical Project. Pure: no I/O. */
export function normalizeProject(doc: Record<string, unknown>, options: NormalizeOptions): Project {
  const ctx = createContext(options);
  const services: Record<string, ServiceConfig> = {};
  for (const [name, raw] of sortedEntries(doc.services)) services[name] = normalizeService(name, raw, ctx);

  const networks = normalizeResources(doc.networks, 'networks', ctx, (raw) => {
    if (raw.driver_opts !== undefined) raw.driver_opts = toMapping(raw.driver_opts);
    return raw;
  }) as unknown as Record<string, NetworkConfig>;
  const usesDefault = Object.values(services).some((s) => s.networks && 'default' in s.networks);
  // The implicit default network exists only when some service is attached to it.
  if (usesDefault && !networks.default) networks.default = { name: `${ctx.projectName}_default` };

  const volumes = normalizeResources(doc.volumes, 'volumes', ctx, (raw) => {
    if (raw.driver_opts !== undefined) raw.driver_opts = toMapping(raw.driver_opts);
    const opts = raw.driver_opts as Record<string, string> | undefined;
    // A local volume with `o: bind` is a bind mount of `device`: that path is resolved too.
    if (raw.driver === 'local' && opts?.o === 'bind' && opts.device)
      opts.device = absolutePath(opts.device, ctx);
    return raw;
  }) as unknown as Record<string, VolumeConfig>;

  const fileObject = (raw: Record<string, unknown>): Record<string, unknown> => {
    if (typeof raw.file === 'string') raw.file = absolutePath(raw.file, ctx);
    if (raw.driver_opts !== undefined) raw.driver_opts = toMapping(raw.driver_opts);
    return raw;
  };
  const project: Project = {
    name: ctx.projectName,
    workingDir: ctx.workingDir,
    services,
    networks,
    volumes,
    secrets: normalizeResources(doc.secrets, 'secrets', ctx, fileObject) as unknown as Record<
      string,
      FileObjectConfig
    >,
    configs: normalizeResources(doc.configs, 'configs', ctx, fileObject) as unknown as Record<
      string,
      FileObjectConfig
    >,
    extensions: extensionsOf(doc),
  };
  if (doc.models !== undefined) project.models = normalizeModels(doc.models, ctx);

  if (ctx.issues.length > 0) throw new ComposeFileError(ctx.issues);
  return project;
}

/**
 * Top-level networks, volumes, secrets or configs: `null` entries become objects, legacy
 * `external: {name}` becomes `external: true` + `name`, labels become a mapping, and every
 * entry gets its engine name: `<project>_<key>`, or the key itself when external.
 */
function normalizeResources(
  section: unknown,
  kind: string,
  ctx: NormalizeContext,
  specific: (raw: Record<string, unknown>) => Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of sortedEntries(section)) {
    const path: DocPath = [kind, key];
    if (value !== null && !isRecord(value)) {
      addIssue(ctx, path, `must be a mapping`);
      continue;
    }
    const raw = cloneValue(value ?? {});
    if (isRecord(raw.external)) {
      const legacy = raw.external.name;
      if (legacy !== undefined && raw.name !== undefined && raw.name !== legacy) {
        addIssue(
          ctx,
          [...path, 'external', 'name'],
          `can't use both '${kind}.${key}.external.name' and '${kind}.${key}.name'`,
        );
      }
      if (legacy !== undefined) raw.name ??= scalarString(legacy);
      raw.external = true;
    }
    if (raw.external === false) delete raw.external;
    for (const flag of ['internal', 'attachable']) if (raw[flag] === false) delete raw[flag];
    if (raw.labels !== undefined) raw.labels = toMapping(raw.labels);
    if (raw.name === undefined || raw.name === null) {
      raw.name = raw.external === true ? key : `${ctx.projectName}_${key}`;
    }
    out[key] = specific(raw);
  }
  return out;
}

function normalizeModels(section: unknown, ctx: NormalizeContext): Record<string, ModelConfig> {
  const out: Record<string, ModelConfig> = {};
  for (const [key, value] of sortedEntries(section)) {
    if (!isRecord(value)) {
      addIssue(ctx, ['models', key], 'must be a mapping');
      continue;
    }
    out[key] = cloneValue(value) as unknown as ModelConfig;
  }
  return out;
}

function extensionsOf(doc: Record<string, unknown>): Extensions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (key.startsWith('x-')) out[key] = cloneValue(value);
  return out as Extensions;
}

/** Entries of a mapping section sorted by key (empty for anything else). */
function sortedEntries(section: unknown): [string, unknown][] {
  if (!isRecord(section)) return [];
  return Object.entries(section).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
