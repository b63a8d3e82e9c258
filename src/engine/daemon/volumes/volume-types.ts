/** Volume records as stored, and the shapes the API layer gives and gets. */

/** A volume as stored in `<root>/volumes/<name>/meta.json`. */
export interface VolumeRecord {
  name: string;
  driver: 'local';
  /** RFC 3339, seconds precision (as Docker prints it). */
  createdAt: string;
  labels: Record<string, string>;
  /** `local` driver options: `type`, `o`, `device`. */
  options: Record<string, string>;
  /** Created for a container without a name (64 hex digits); pruned by default. */
  anonymous: boolean;
  /** The image's content was copied in once (`populateFromImage`); never again. */
  populated: boolean;
  /** Containers that use it, from create to removal: the volume cannot be removed meanwhile. */
  users: string[];
  /** Containers that have it mounted (start to stop): a driver-options mount lives while this is not empty. */
  mountedBy: string[];
}

/** POST /volumes/create, in the Docker API's shape. */
export interface VolumeCreateRequest {
  /** Absent or empty: an anonymous volume with a random name. */
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** GET /volumes/{name}. */
export interface ApiVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number };
}

/** Where a container mounts a volume from. */
export interface VolumeMount {
  /** Host path to bind into the container. */
  path: string;
  /** The driver options asked for a read-only mount (`o=bind,ro`). */
  readOnly: boolean;
}

/** Docker 23+ marks anonymous volumes with this label; prune without `all` removes only those. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
