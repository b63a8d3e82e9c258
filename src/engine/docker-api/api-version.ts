/** Docker Engine API versions: which one to speak with a given server. Pure. */
import { DevError } from '../../model/errors.js';

/** The newest API version this client knows how to speak. */
export const NEWEST_API_VERSION = '1.45';
/** The oldest it accepts: dockerd 20.10 and Podman 4's compat API. */
export const OLDEST_API_VERSION = '1.41';

/** Compares `1.41`-style versions: negative, zero or positive like a sort comparator. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether `version` is at least `min`. */
export function apiAtLeast(version: string, min: string): boolean {
  return compareApiVersions(version, min) >= 0;
}

/**
 * The version to use with a server that speaks up to `serverVersion`: the lower of it and the
 * newest we know. Throws DevError `ENGINE_API_TOO_OLD` below the oldest we accept.
 */
export function negotiateApiVersion(serverVersion: string | undefined, endpoint: string): string {
  if (!serverVersion || !/^\d+\.\d+$/.test(serverVersion)) return OLDEST_API_VERSION;
  if (compareApiVersions(serverVersion, OLDEST_API_VERSION) < 0) {
    throw new DevError(
      'ENGINE_API_TOO_OLD',
      `the engine at ${endpoint} speaks API ${serverVersion}; dev needs ${OLDEST_API_VERSION} or newer`,
      { hint: 'upgrade the engine (Docker 20.10 or newer, Podman 4 or newer)' },
    );
  }
  return compareApiVersions(serverVersion, NEWEST_API_VERSION) > 0 ? NEWEST_API_VERSION : serverVersion;
}
