/**
 * Host device nodes for `devices:` and privileged containers: stat'ed into the type and
 * major/minor numbers the OCI config and the device cgroup need.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedDevice } from './build-resources.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { DeviceSpec } from './runtime-spec.js';

/** Directories of /dev that hold no device a privileged container should get from the host. */
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Stats each requested device; a path that is not a device node throws RuntimeSpecError. */
export function resolveDevices(devices: DeviceSpec[]): ResolvedDevice[] {
  return devices.map((device) => {
    const permissions = device.permissions ?? 'rwm';
    if (!/^[rwm]{1,3}$/.test(permissions)) {
      throw new RuntimeSpecError('devices', `invalid permissions "${permissions}" for ${device.hostPath}`);
    }
    const node = statDevice(device.hostPath, device.containerPath ?? device.hostPath, permissions);
    if (!node) throw new RuntimeSpecError('devices', `${device.hostPath} is not a device node`);
    return node;
  });
}

/** Every device node under `dev` (default /dev), for privileged containers. */
export function listHostDevices(dev = '/dev'): ResolvedDevice[] {
  const found: ResolvedDevice[] = [];
  const walk = (dir: string, inside: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const target = join(inside, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path, target);
      } else if ((entry.isCharacterDevice() || entry.isBlockDevice()) && target !== '/dev/console') {
        const node = statDevice(path, target, 'rwm');
        if (node) found.push(node);
      }
    }
  };
  walk(dev, '/dev');
  return found;
}

function statDevice(
  hostPath: string,
  containerPath: string,
  permissions: string,
): ResolvedDevice | undefined {
  let stats: import('node:fs').BigIntStats;
  try {
    stats = statSync(hostPath, { bigint: true });
  } catch (error) {
    throw new RuntimeSpecError('devices', `cannot stat ${hostPath}: ${(error as Error).message}`);
  }
  const type = stats.isCharacterDevice() ? 'c' : stats.isBlockDevice() ? 'b' : undefined;
  if (!type) return undefined;
  const rdev = stats.rdev;
  // glibc's major()/minor() split of dev_t.
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return {
    containerPath,
    type,
    major,
    minor,
    fileMode: Number(stats.mode & 0o777n),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    permissions,
  };
}
