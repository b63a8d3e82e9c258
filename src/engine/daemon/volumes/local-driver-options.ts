/**
 * The `local` driver's options as Docker reads them: `type`, `o`, `device` (and `size`, kept
 * but unused). `o=bind` with a device binds a host directory; any other type mounts the
 * device with mount(8) over the volume's `_data` while a container uses it. Pure.
 */
import { VolumeError } from './volume-errors.js';

export type LocalMountPlan =
  | { kind: 'plain' }
  | { kind: 'bind'; source: string; readOnly: boolean }
  | { kind: 'mount'; type: string; options: string; device: string };

const KEYS = new Set(['type', 'o', 'device', 'size']);

/** Checks driver options; throws VolumeError naming the first bad one. */
export function parseLocalOptions(options: Record<string, string>): LocalMountPlan {
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) {
      throw new VolumeError('VOLUME_INVALID', `invalid option key: "${key}"`, {
        hint: 'the local driver takes type, o and device',
      });
    }
  }
  const type = options.type ?? '';
  const o = options.o ?? '';
  const device = options.device ?? '';
  if (!type && !o && !device) return { kind: 'plain' };
  const flags = o.split(',').map((f) => f.trim());
  if (flags.includes('bind') || flags.includes('rbind')) {
    if (!device.startsWith('/')) {
      throw new VolumeError(
        'VOLUME_INVALID',
        `a bind volume needs an absolute device path, got ${JSON.stringify(device)}`,
        {
          hint: 'set device to the host directory to bind, e.g. device=/srv/data',
        },
      );
    }
    return { kind: 'bind', source: device, readOnly: flags.includes('ro') };
  }
  if (!type || !device) {
    throw new VolumeError('VOLUME_INVALID', 'missing type or device for a local volume mount', {
      hint: 'give type and device (e.g. type=tmpfs device=tmpfs o=size=64m), or o=bind with a device path',
    });
  }
  return { kind: 'mount', type, options: o, device };
}
