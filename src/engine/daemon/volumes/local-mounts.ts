/**
 * Where a `local` volume is bound from, mounting driver options when needed: plain volumes are
 * their `_data`, `o=bind` volumes their device directory (no mount at all), other types a
 * mount(8) of the device over `_data`, made once and undone when the last user leaves.
 */
import { statSync } from 'node:fs';
import { parseLocalOptions } from './local-driver-options.js';
import { runMountCommand } from './mount-command.js';
import { mountsUnder } from './mount-table.js';
import { VolumeError } from './volume-errors.js';
import type { VolumeMount, VolumeRecord } from './volume-types.js';

export interface LocalMountTools {
  /** The volume's `_data`. */
  dataPath: string;
  mountBinary: string;
  umountBinary: string;
  mountInfoPath: string | undefined;
}

/** The host path to bind for `record`, mounting its device first when its options ask for a mount. */
export async function mountLocalVolume(record: VolumeRecord, tools: LocalMountTools): Promise<VolumeMount> {
  const plan = parseLocalOptions(record.options);
  if (plan.kind === 'plain') return { path: tools.dataPath, readOnly: false };
  if (plan.kind === 'bind') {
    if (!isDirectory(plan.source)) {
      throw new VolumeError(
        'VOLUME_MOUNT_FAILED',
        `failed to mount local volume ${record.name}: ${plan.source} is not a directory`,
        {
          hint: 'create the device directory on the host first',
        },
      );
    }
    return { path: plan.source, readOnly: plan.readOnly };
  }
  if (!isMounted(tools)) {
    const args = [
      '-t',
      plan.type,
      ...(plan.options ? ['-o', plan.options] : []),
      plan.device,
      tools.dataPath,
    ];
    await runMountCommand(tools.mountBinary, args, record.name);
  }
  return { path: tools.dataPath, readOnly: false };
}

/** Unmounts the device of a mount-type volume when it is mounted; nothing for other kinds. */
export async function unmountLocalVolume(record: VolumeRecord, tools: LocalMountTools): Promise<void> {
  if (parseLocalOptions(record.options).kind === 'mount' && isMounted(tools)) {
    await runMountCommand(tools.umountBinary, [tools.dataPath], record.name);
  }
}

/** Whether `path` is an existing directory (symlinks followed). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isMounted(tools: LocalMountTools): boolean {
  return mountsUnder(tools.dataPath, tools.mountInfoPath).includes(tools.dataPath);
}
