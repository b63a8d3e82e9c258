/**
 * A container's mounts from its create body, as dockerd registers them: `Binds` strings
 * (`src:dst[:opts]`, a name instead of a path being a named volume), `HostConfig.Mounts`
 * (bind, volume, tmpfs), `HostConfig.Tmpfs`, then an anonymous volume for each image or
 * Config VOLUME nothing else covers. Pure: volume names stay to be chosen (`source` '' is
 * anonymous) and host paths to be checked by the caller.
 */
import { posix } from 'node:path';
import { badRequest } from '../api/api-error.js';
import type { ApiMount, HostConfig, MountRecord } from './container-types.js';

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Plans the mounts; 400 for what dockerd refuses (relative targets, duplicates, bad options).
 * `inherited` are the mounts of `VolumesFrom` containers: the container's own replace them.
 */
export function planMounts(
  hostConfig: HostConfig,
  volumes: Record<string, unknown> | null,
  inherited: MountRecord[] = [],
): MountRecord[] {
  const mounts: MountRecord[] = [];
  const add = (mount: MountRecord) => {
    if (mounts.some((m) => m.destination === mount.destination)) {
      throw badRequest(`Duplicate mount point: ${mount.destination}`);
    }
    mounts.push(mount);
  };
  for (const bind of hostConfig.Binds ?? []) add(parseBind(bind));
  for (const m of hostConfig.Mounts ?? []) add(fromMountApi(m));
  for (const [target, options] of Object.entries(hostConfig.Tmpfs ?? {})) {
    const destination = cleanTarget(target, target);
    if (mounts.some((m) => m.destination === destination)) {
      throw badRequest(`Duplicate mount point: ${destination}`);
    }
    mounts.push(parseTmpfs(destination, options));
  }
  for (const m of inherited) if (!mounts.some((own) => own.destination === m.destination)) mounts.push(m);
  for (const target of Object.keys(volumes ?? {})) {
    const destination = cleanTarget(target, target);
    if (mounts.some((m) => m.destination === destination)) continue;
    mounts.push({
      type: 'volume',
      source: '',
      destination,
      readOnly: false,
      mode: '',
      propagation: '',
      anonymous: true,
    });
  }
  return mounts;
}

/** `src:dst[:opts]`; `src` absolute is a bind, else a volume name. */
export function parseBind(spec: string): MountRecord {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) throw invalidSpec(spec, 'invalid volume specification');
  const [source = '', target = '', mode = ''] = parts;
  const destination = cleanTarget(target, spec);
  const options = mode === '' ? [] : mode.split(',');
  let readOnly = false;
  let propagation = '';
  let noCopy = false;
  for (const option of options) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw') readOnly = false;
    else if (PROPAGATION.has(option)) propagation = option;
    else if (option === 'nocopy') noCopy = true;
    else if (
      option !== 'z' &&
      option !== 'Z' &&
      option !== 'consistent' &&
      option !== 'cached' &&
      option !== 'delegated'
    ) {
      throw invalidSpec(spec, `invalid mode: ${option}`);
    }
  }
  if (posix.isAbsolute(source)) {
    return {
      type: 'bind',
      source: posix.normalize(source),
      destination,
      readOnly,
      mode,
      propagation: propagation || 'rprivate',
    };
  }
  if (!VOLUME_NAME.test(source)) {
    throw invalidSpec(
      spec,
      `"${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  if (propagation) throw invalidSpec(spec, 'propagation is not supported for volumes');
  return {
    type: 'volume',
    source,
    destination,
    readOnly,
    mode: mode || 'z',
    propagation: '',
    ...(noCopy ? { noCopy: true } : {}),
  };
}

function fromMountApi(m: ApiMount): MountRecord {
  const type = m.Type ?? '';
  const destination = cleanTarget(m.Target ?? '', `${type} mount`);
  const readOnly = m.ReadOnly === true;
  if (type === 'bind') {
    const source = m.Source ?? '';
    if (!posix.isAbsolute(source)) {
      throw badRequest(
        `invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`,
      );
    }
    const propagation = m.BindOptions?.Propagation || 'rprivate';
    if (!PROPAGATION.has(propagation)) throw badRequest(`invalid propagation mode: ${propagation}`);
    return {
      type,
      source: posix.normalize(source),
      destination,
      readOnly,
      mode: '',
      propagation,
      fromMountApi: true,
    };
  }
  if (type === 'volume') {
    const source = m.Source ?? '';
    if (source !== '' && !VOLUME_NAME.test(source)) {
      throw badRequest(`invalid mount config for type "volume": invalid volume name "${source}"`);
    }
    return {
      type,
      source,
      destination,
      readOnly,
      mode: '',
      propagation: '',
      ...(source === '' ? { anonymous: true } : {}),
      ...(m.VolumeOptions?.NoCopy ? { noCopy: true } : {}),
      fromMountApi: true,
    };
  }
  if (type === 'tmpfs') {
    if (m.Source)
      throw badRequest('invalid mount config for type "tmpfs": field Source must not be specified');
    const size = m.TmpfsOptions?.SizeBytes;
    const mode = m.TmpfsOptions?.Mode;
    return {
      type,
      source: '',
      destination,
      readOnly,
      mode: '',
      propagation: '',
      tmpfs: { ...(size ? { size } : {}), ...(mode ? { mode } : {}) },
      fromMountApi: true,
    };
  }
  throw badRequest(`mount type unknown: ${JSON.stringify(type)}`);
}

/** `size=64m,mode=1777,exec,ro` as the runtime takes it. */
export function parseTmpfs(destination: string, text: string): MountRecord {
  const flags = new Map<string, boolean>([
    ['exec', false],
    ['suid', false],
    ['dev', false],
  ]);
  const extra: string[] = [];
  let size: number | undefined;
  let mode: number | undefined;
  let readOnly = false;
  for (const option of text.split(',').filter(Boolean)) {
    const [key = '', value = ''] = option.split('=', 2);
    if (key === 'size') size = parseSize(value, option);
    else if (key === 'mode') mode = Number.parseInt(value, 8);
    else if (key === 'ro') readOnly = true;
    else if (key === 'rw') readOnly = false;
    else if (flags.has(key)) flags.set(key, true);
    else if (key.startsWith('no') && flags.has(key.slice(2))) flags.set(key.slice(2), false);
    else extra.push(option);
  }
  const options = [...flags].map(([k, on]) => (on ? k : `no${k}`)).concat(extra);
  return {
    type: 'tmpfs',
    source: '',
    destination,
    readOnly,
    mode: text,
    propagation: '',
    tmpfs: {
      ...(size ? { size } : {}),
      ...(mode !== undefined && !Number.isNaN(mode) ? { mode } : {}),
      options,
    },
  };
}

/** `64m`, `1g`, `65536`, `512k` → bytes. */
export function parseSize(text: string, context = text): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(text.trim());
  if (!m) throw badRequest(`invalid size: '${context}'`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

function cleanTarget(target: string, spec: string): string {
  if (!posix.isAbsolute(target)) {
    throw invalidSpec(
      spec,
      `invalid mount config for type "volume": invalid mount path: '${target}' mount path must be absolute`,
    );
  }
  const clean = posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw invalidSpec(spec, "invalid mount config: destination can't be '/'");
  return clean;
}

function invalidSpec(spec: string, why: string) {
  return badRequest(`invalid volume specification: '${spec}': ${why}`);
}
