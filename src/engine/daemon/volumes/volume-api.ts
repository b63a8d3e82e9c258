/** Volumes in the Docker Engine API's shape (GET /volumes, GET /volumes/{name}). Pure. */
import type { ApiVolume, VolumeRecord } from './volume-types.js';

/** GET /volumes/{name}; `mountpoint` is the volume's `_data` directory. */
export function toApiVolume(record: VolumeRecord, mountpoint: string, usage?: { Size: number }): ApiVolume {
  return {
    Name: record.name,
    Driver: record.driver,
    Mountpoint: mountpoint,
    CreatedAt: record.createdAt,
    Labels: { ...record.labels },
    Scope: 'local',
    Options: Object.keys(record.options).length > 0 ? { ...record.options } : null,
    ...(usage ? { UsageData: { Size: usage.Size, RefCount: record.users.length } } : {}),
  };
}
