/**
 * The ContainerSpec of one container of a service: its name, the labels Docker Compose v2
 * writes (plus dev's own), networks in priority order with their aliases, and mounts resolved
 * to engine names and host paths. Pure: what the model lacks (config files, env files, names of
 * existing containers) comes in as options.
 */
import { posix } from 'node:path';
import { configDigests, encodeConfigDigests } from '../model/config-digest.js';
import { configHash } from '../model/config-hash.js';
import { DevError } from '../model/errors.js';
import { COMPOSE_COMPAT_VERSION, Labels } from '../model/labels.js';
import type { FileObjectConfig, Project } from '../model/project.js';
import type { ServiceConfig, ServiceFileReference } from '../model/service.js';
import type { ContainerFile, ContainerMount, ContainerNetworkAttachment, ContainerSpec } from './engine.js';

/** Compose's label on one-off containers naming their random part. */
const SLUG_LABEL = 'com.docker.compose.slug';

/** The project and which container of which service; what the model lacks comes in here. */
export interface BuildContainerSpecOptions {
  project: Project;
  /** Service name. */
  service: string;
  /** Container number (1-based). */
  number: number;
  /** Image reference to create from. */
  image: string;
  /** A `dev run` container. */
  oneoff?: boolean;
  overrides?: ContainerSpec['overrides'];
  devVersion: string;
  /** Absolute paths of the compose files (label project.config_files). */
  configFiles: string[];
  /** Absolute paths of the env files read (label project.environment_file). */
  environmentFiles: string[];
  /**
   * Existing containers by service, first one first: resolve `service:x` network/ipc/pid modes,
   * `volumes_from` and `links`. Default: each service's first container by the naming rule.
   */
  containerNames?: Record<string, string[]>;
  /** Alias the container by service name and configured aliases; default: unless one-off. */
  useAliases?: boolean;
  /** Name of a one-off container (`run --name`). */
  name?: string;
  /** Random part of a one-off container's default name `<project>-<service>-run-<slug>`. */
  slug?: string;
  /** Variables that secrets and configs declared with `environment` read. */
  environment?: Record<string, string | undefined>;
  /** The container this one replaces (its anonymous volumes are reused). */
  replaces?: string;
}

/** Builds the spec; throws DevError `SPEC_*` for references it cannot resolve. */
export function buildContainerSpec(options: BuildContainerSpecOptions): ContainerSpec {
  const { project, service: name } = options;
  const config = project.services[name];
  if (!config) throw new DevError('SPEC_UNKNOWN_SERVICE', `no service "${name}" in project ${project.name}`);
  const oneoff = options.oneoff ?? false;
  const containerName = oneoff
    ? (options.name ?? `${project.name}-${name}-run-${options.slug ?? options.number}`)
    : (config.container_name ?? `${project.name}-${name}-${options.number}`);
  const first = (service: string) => firstContainer(options, service);
  const networkMode = resolveMode(config.network_mode, first);
  const spec: ContainerSpec = {
    name: containerName,
    project: project.name,
    service: name,
    config,
    image: options.image,
    labels: containerLabels(options, config, oneoff),
    networks: networkMode
      ? []
      : networkAttachments(project, name, containerName, options.useAliases ?? !oneoff),
    mounts: [],
  };
  if (networkMode) spec.networkMode = networkMode;
  const ipc = resolveMode(config.ipc, first);
  if (ipc) spec.ipcMode = ipc;
  const pid = resolveMode(config.pid, first);
  if (pid) spec.pidMode = pid;
  if (config.volumes_from?.length)
    spec.volumesFrom = config.volumes_from.map((v) => resolveVolumesFrom(v, project, first));
  const links = resolveLinks(config, options);
  if (links.length > 0) spec.links = links;
  const { mounts, files } = resolveMounts(project, config, options.environment ?? {});
  spec.mounts = mounts;
  if (files.length > 0) spec.files = files;
  if (options.replaces) spec.inheritVolumesFrom = options.replaces;
  if (options.overrides) spec.overrides = options.overrides;
  return spec;
}

/** The service's own labels, then Compose's, then dev's. */
function containerLabels(
  o: BuildContainerSpecOptions,
  config: ServiceConfig,
  oneoff: boolean,
): Record<string, string> {
  const dependsOn = Object.entries(config.depends_on ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, d]) => `${service}:${d.condition}:${d.restart === true}`)
    .join(',');
  const labels: Record<string, string> = {
    ...(config.labels ?? {}),
    [Labels.project]: o.project.name,
    [Labels.service]: o.service,
    [Labels.containerNumber]: String(o.number),
    [Labels.oneoff]: oneoff ? 'True' : 'False',
    [Labels.configHash]: configHash(config),
    [Labels.dependsOn]: dependsOn,
    [Labels.workingDir]: o.project.workingDir ?? '',
    [Labels.configFiles]: o.configFiles.join(','),
    [Labels.version]: COMPOSE_COMPAT_VERSION,
    [Labels.configDigest]: encodeConfigDigests(configDigests(config)),
    [Labels.devVersion]: o.devVersion,
  };
  if (o.environmentFiles.length > 0) labels[Labels.environmentFile] = o.environmentFiles.join(',');
  if (oneoff && o.slug) labels[SLUG_LABEL] = o.slug;
  return labels;
}

/** Networks by priority (highest first, then by key), with engine names and aliases. */
function networkAttachments(
  project: Project,
  service: string,
  containerName: string,
  useAliases: boolean,
): ContainerNetworkAttachment[] {
  const config = project.services[service] ?? {};
  const entries = Object.entries(config.networks ?? {}).map(([key, n]) => ({
    key,
    n,
    priority: n?.priority ?? 0,
  }));
  entries.sort((a, b) => b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return entries.map(({ key, n, priority }) => {
    // As Compose v2: the container name, then (unless one-off) the service name and configured aliases.
    const aliases = useAliases ? [containerName, service, ...(n?.aliases ?? [])] : [containerName];
    const a: ContainerNetworkAttachment = {
      name: project.networks[key]?.name ?? `${project.name}_${key}`,
      aliases: [...new Set(aliases)],
    };
    if (n?.ipv4_address) a.ipv4Address = n.ipv4_address;
    if (n?.ipv6_address) a.ipv6Address = n.ipv6_address;
    if (n?.mac_address) a.macAddress = n.mac_address;
    if (n?.link_local_ips?.length) a.linkLocalIps = n.link_local_ips;
    if (n?.driver_opts && Object.keys(n.driver_opts).length > 0) a.driverOpts = n.driver_opts;
    if (priority !== 0) a.priority = priority;
    return a;
  });
}

/** `service:x` → `container:<x's first container>`; other modes as written. */
function resolveMode(mode: string | undefined, first: (service: string) => string): string | undefined {
  if (!mode) return undefined;
  if (mode.startsWith('service:')) return `container:${first(mode.slice('service:'.length))}`;
  return mode;
}

/** `service[:mode]` → `<first container>[:mode]`; `container:name[:mode]` → `name[:mode]`. */
function resolveVolumesFrom(entry: string, project: Project, first: (service: string) => string): string {
  if (entry.startsWith('container:')) return entry.slice('container:'.length);
  const [source = '', mode] = entry.split(':');
  const name = project.services[source] ? first(source) : source;
  return mode ? `${name}:${mode}` : name;
}

/** `links: [svc[:alias]]` to each container of svc; `external_links` as written. */
function resolveLinks(config: ServiceConfig, o: BuildContainerSpecOptions): string[] {
  const out: string[] = [];
  for (const link of config.links ?? []) {
    const [service = '', alias] = link.split(':');
    const names = o.containerNames?.[service] ?? [firstContainer(o, service)];
    for (const name of names) out.push(`${name}:${alias ?? service}`);
  }
  for (const link of config.external_links ?? []) {
    const [name = '', alias] = link.split(':');
    out.push(`${name}:${alias ?? name}`);
  }
  return out;
}

function firstContainer(o: BuildContainerSpecOptions, service: string): string {
  const known = o.containerNames?.[service]?.[0];
  if (known) return known;
  return o.project.services[service]?.container_name ?? `${o.project.name}-${service}-1`;
}

/** Service volumes, then file secrets and configs as read-only binds (a volume at the same target wins). */
function resolveMounts(
  project: Project,
  config: ServiceConfig,
  environment: Record<string, string | undefined>,
): { mounts: ContainerMount[]; files: ContainerFile[] } {
  const mounts: ContainerMount[] = [];
  const files: ContainerFile[] = [];
  for (const v of config.volumes ?? []) {
    if (v.type === 'cluster') continue;
    const m: ContainerMount = { type: v.type, target: v.target };
    if (v.source !== undefined && v.source !== '') {
      if (v.type === 'bind') m.source = posix.resolve(project.workingDir ?? '/', v.source);
      else if (v.type === 'volume') m.source = project.volumes[v.source]?.name ?? v.source;
      else m.source = v.source;
    }
    if (v.read_only) m.readOnly = true;
    if (v.consistency) m.consistency = v.consistency;
    if (v.type === 'bind' && v.bind) {
      m.bind = {};
      if (v.bind.propagation) m.bind.propagation = v.bind.propagation;
      if (v.bind.create_host_path !== undefined) m.bind.createHostPath = v.bind.create_host_path;
      if (v.bind.selinux) m.bind.selinux = v.bind.selinux;
    }
    if (v.type === 'volume' && v.volume) {
      m.volume = {};
      if (v.volume.nocopy) m.volume.noCopy = true;
      if (v.volume.subpath) m.volume.subpath = v.volume.subpath;
      if (v.volume.labels && Object.keys(v.volume.labels).length > 0) m.volume.labels = v.volume.labels;
    }
    if (v.type === 'tmpfs' && v.tmpfs) {
      m.tmpfs = {};
      if (v.tmpfs.size !== undefined) m.tmpfs.size = v.tmpfs.size;
      if (v.tmpfs.mode !== undefined) m.tmpfs.mode = v.tmpfs.mode;
    }
    mounts.push(m);
  }
  const taken = new Set(mounts.map((m) => m.target));
  const grants = [
    ...(config.secrets ?? []).map((ref) => ({
      ref,
      kind: 'secret' as const,
      def: project.secrets[ref.source],
    })),
    ...(config.configs ?? []).map((ref) => ({
      ref,
      kind: 'config' as const,
      def: project.configs[ref.source],
    })),
  ];
  for (const { ref, kind, def } of grants) {
    const target = grantTarget(ref, kind);
    if (taken.has(target)) continue;
    taken.add(target);
    if (!def) throw unresolved(kind, ref.source, 'is not defined at the top level');
    if (def.external) throw unresolved(kind, ref.source, 'is external, which needs Swarm');
    const content = inlineContent(def, kind, ref.source, environment);
    if (content !== undefined) {
      files.push(fileOf(target, content, ref));
    } else if (def.file) {
      mounts.push({
        type: 'bind',
        source: def.file,
        target,
        readOnly: true,
        bind: { createHostPath: false },
      });
    }
  }
  return { mounts, files };
}

/** Secrets default to /run/secrets/<name>, configs to /<name>; relative targets are under those. */
function grantTarget(ref: ServiceFileReference, kind: 'secret' | 'config'): string {
  const base = kind === 'secret' ? '/run/secrets/' : '/';
  const target = ref.target ?? '';
  if (target === '') return `${base}${ref.source}`;
  return target.startsWith('/') ? target : `${base}${target}`;
}

function inlineContent(
  def: FileObjectConfig,
  kind: string,
  source: string,
  environment: Record<string, string | undefined>,
): string | undefined {
  if (def.content !== undefined) return def.content;
  if (def.environment === undefined) return undefined;
  const value = environment[def.environment];
  if (value === undefined)
    throw unresolved(kind, source, `reads variable ${def.environment}, which is not set`);
  return value;
}

function fileOf(target: string, content: string, ref: ServiceFileReference): ContainerFile {
  const file: ContainerFile = { target, content, mode: ref.mode ?? 0o444 };
  const uid = Number.parseInt(ref.uid ?? '', 10);
  const gid = Number.parseInt(ref.gid ?? '', 10);
  if (!Number.isNaN(uid)) file.uid = uid;
  if (!Number.isNaN(gid)) file.gid = gid;
  return file;
}

function unresolved(kind: string, name: string, why: string): DevError {
  return new DevError('SPEC_UNRESOLVED', `${kind} "${name}" ${why}`, {
    hint: `define ${kind}s.${name} with a file, content or environment variable`,
  });
}
