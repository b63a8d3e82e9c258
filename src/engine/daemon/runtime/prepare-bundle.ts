/**
 * `create`: checks a RuntimeSpec against the root file system and the host, and writes the
 * container directory (OCI bundle, provided /etc files, record) under a temporary name that is
 * renamed into place at the end, so a failed create leaves nothing behind. No process runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import { buildOciSpec } from './build-oci-spec.js';
import type { ResolvedDevice } from './build-resources.js';
import type { ContainerRecord, RuntimeLayout } from './container-record.js';
import { findInitBinary, INIT_CANDIDATES } from './find-binaries.js';
import { listHostDevices, resolveDevices } from './host-devices.js';
import type { HostInfo } from './host-probe.js';
import { serializeOciSpec } from './oci-spec.js';
import { resolveUser } from './resolve-user.js';
import { RuntimeSpecError, RuntimeUnavailableError } from './runtime-errors.js';
import type { RuntimeSpec } from './runtime-spec.js';

export const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
  '',
].join('\n');

export interface PrepareBundleOptions {
  layout: RuntimeLayout;
  spec: RuntimeSpec;
  host: HostInfo;
  /** Default cgroup parent, e.g. `dev-engine`. */
  cgroupParent: string;
  initCandidates?: readonly string[];
  now: Date;
}

/** Writes the container directory and returns its record; throws (leaving nothing) on invalid input. */
export function prepareBundle(options: PrepareBundleOptions): ContainerRecord {
  const { spec, layout, host } = options;
  if (!CONTAINER_ID.test(spec.id)) {
    throw new RuntimeSpecError('id', `invalid container id "${spec.id}"`, {
      hint: 'use 1-128 letters, digits, _ or -, starting with a letter or digit',
    });
  }
  let rootIsDir = false;
  try {
    rootIsDir = statSync(spec.rootfs).isDirectory();
  } catch {
    // reported below
  }
  if (!rootIsDir || !posix.isAbsolute(spec.rootfs)) {
    throw new RuntimeSpecError('rootfs', `${spec.rootfs} is not an absolute path of a directory`);
  }
  const user = resolveUser({ rootfs: spec.rootfs, user: spec.process.user, groupAdd: spec.process.groupAdd });
  const devices = collectDevices(spec);
  let init: ContainerRecord['init'];
  if (spec.init) {
    const candidates = options.initCandidates ?? INIT_CANDIDATES;
    init = findInitBinary(candidates);
    if (!init) {
      throw new RuntimeUnavailableError(
        'a static init binary',
        [...candidates],
        'install tini (apt-get install tini)',
      );
    }
  }

  const final = layout.paths(spec.id);
  const temp = join(layout.containersDir, `.new-${spec.id}-${randomBytes(4).toString('hex')}`);
  mkdirSync(layout.containersDir, { recursive: true });
  mkdirSync(temp, { mode: 0o700 });
  try {
    const providedFiles = writeProvidedFiles(spec, temp, final.dir);
    const cgroupsPath = posix.join('/', spec.cgroupParent ?? options.cgroupParent, spec.id);
    const shareable = spec.namespaces?.ipc?.kind === 'shareable';
    if (shareable) mkdirSync(join(temp, 'shm'), { mode: 0o1777 });
    const built = buildOciSpec({
      spec,
      user,
      host,
      cgroupsPath,
      providedFiles,
      devices,
      ...(init ? { initPath: init.path } : {}),
      ...(shareable ? { shmPath: final.shm } : {}),
    });
    writeFileAtomic(join(temp, 'config.json'), serializeOciSpec(built.spec));
    const record: ContainerRecord = {
      version: 1,
      id: spec.id,
      createdAt: options.now.toISOString(),
      spec,
      cgroupsPath,
      warnings: built.warnings,
      ...(init ? { init } : {}),
      runs: 0,
    };
    layout.writeRecord(record, temp);
    renameSync(temp, final.dir);
    return record;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

function collectDevices(spec: RuntimeSpec): ResolvedDevice[] {
  const requested = resolveDevices(spec.devices ?? []);
  if (!spec.privileged) return requested;
  const byPath = new Map<string, ResolvedDevice>();
  for (const device of [...listHostDevices(), ...requested]) byPath.set(device.containerPath, device);
  return [...byPath.values()];
}

/** Writes /etc/hosts, /etc/hostname and /etc/resolv.conf contents; returns container path → final host path. */
function writeProvidedFiles(spec: RuntimeSpec, dir: string, finalDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const write = (target: string, name: string, content: string) => {
    writeFileSync(join(dir, name), content, { mode: 0o644 });
    files[target] = join(finalDir, name);
  };
  write('/etc/hosts', 'hosts', spec.files?.hosts ?? DEFAULT_HOSTS);
  if ((spec.namespaces?.uts ?? 'private') === 'private') {
    write('/etc/hostname', 'hostname', spec.files?.hostname ?? `${spec.hostname ?? spec.id.slice(0, 12)}\n`);
  }
  if (spec.files?.resolvConf !== undefined) write('/etc/resolv.conf', 'resolv.conf', spec.files.resolvConf);
  return files;
}
