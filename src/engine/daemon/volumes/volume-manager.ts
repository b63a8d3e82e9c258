/**
 * Named and anonymous volumes of the `local` driver: a directory per volume under the state
 * root (`<root>/volumes/<name>/_data`, metadata beside it), driver options for binds and
 * mounts, Docker's copy-up from the image on first use, in-use tracking from container create
 * to removal, and prune (anonymous volumes only unless `all`, as Docker 23+ does).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import { copyDirectoryContents } from './copy-directory.js';
import { directorySize } from './directory-size.js';
import { KeyedQueue } from './keyed-queue.js';
import { parseLocalOptions } from './local-driver-options.js';
import { isDirectory, mountLocalVolume, unmountLocalVolume } from './local-mounts.js';
import { runMountCommand } from './mount-command.js';
import { mountsUnder } from './mount-table.js';
import { toApiVolume } from './volume-api.js';
import { VolumeError, VolumeInUseError, VolumeNotFoundError } from './volume-errors.js';
import { matchesVolumeFilters, normalizeVolumeFilters, type VolumeFilterInput } from './volume-filters.js';
import {
  ANONYMOUS_LABEL,
  type ApiVolume,
  type VolumeCreateRequest,
  type VolumeMount,
  type VolumeRecord,
} from './volume-types.js';

export interface VolumeManagerOptions {
  /** The engine's state root; volumes go to `<root>/volumes`. */
  root: string;
  clock?: () => Date;
  randomHex?: (bytes: number) => string;
  binaries?: { cp?: string; mount?: string; umount?: string };
  mountInfoPath?: string;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Pseudo user holding a mount while the image content is copied in. */
const COPY_USER = 'populate';

/** The engine's volumes. */
export class VolumeManager {
  private readonly dir: string;
  private readonly clock: () => Date;
  private readonly randomHex: (bytes: number) => string;
  private readonly binaries: { cp: string; mount: string; umount: string };
  private readonly mountInfoPath: string | undefined;
  private readonly queue = new KeyedQueue();

  constructor(options: VolumeManagerOptions) {
    this.dir = join(options.root, 'volumes');
    this.clock = options.clock ?? (() => new Date());
    this.randomHex = options.randomHex ?? ((n) => randomBytes(n).toString('hex'));
    this.binaries = { cp: 'cp', mount: 'mount', umount: 'umount', ...options.binaries };
    this.mountInfoPath = options.mountInfoPath;
  }

  /** POST /volumes/create; an existing volume of that name is returned as is (Docker does so). */
  create(request: VolumeCreateRequest = {}): ApiVolume {
    const driver = request.Driver || 'local';
    if (driver !== 'local') {
      throw new VolumeError('VOLUME_INVALID', `plugin "${driver}" not found`, {
        hint: 'the dev engine has the local driver only',
      });
    }
    const anonymous = !request.Name;
    const name = request.Name || this.randomHex(32);
    if (!NAME.test(name)) {
      throw new VolumeError(
        'VOLUME_INVALID',
        `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
        { hint: 'to mount a host directory, give an absolute path instead of a volume name' },
      );
    }
    const existing = this.read(name);
    if (existing) return this.api(existing);
    const options = { ...(request.DriverOpts ?? {}) };
    parseLocalOptions(options);
    const record: VolumeRecord = {
      name,
      driver: 'local',
      createdAt: this.clock()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
      labels: { ...(request.Labels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) },
      options,
      anonymous,
      populated: false,
      users: [],
      mountedBy: [],
    };
    mkdirSync(this.dataPath(name), { recursive: true, mode: 0o755 });
    this.write(record);
    return this.api(record);
  }

  /** GET /volumes/{name}. */
  inspect(name: string): ApiVolume {
    return this.api(this.get(name));
  }

  /** The stored record; throws VolumeNotFoundError. */
  get(name: string): VolumeRecord {
    const record = this.read(name);
    if (!record) throw new VolumeNotFoundError(name);
    return record;
  }

  /** GET /volumes. */
  list(filters?: VolumeFilterInput): { Volumes: ApiVolume[]; Warnings: string[] } {
    const terms = normalizeVolumeFilters(filters);
    const volumes = this.records().filter((r) => matchesVolumeFilters(r, terms));
    return { Volumes: volumes.map((r) => this.api(r)), Warnings: [] };
  }

  /** DELETE /volumes/{name}: refused while containers use it unless `force`; a missing volume is fine when forced. */
  remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.queue.run(name, async () => {
      const record = this.read(name);
      if (!record) {
        if (options.force) return;
        throw new VolumeNotFoundError(name);
      }
      if (record.users.length > 0 && !options.force) throw new VolumeInUseError(name, record.users);
      await this.destroy(record);
    });
  }

  /** POST /volumes/prune: unused anonymous volumes, or all unused ones with `all=true`. */
  async prune(filters?: VolumeFilterInput): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const terms = normalizeVolumeFilters(filters);
    const all = (terms.all ?? []).some((v) => v === 'true' || v === '1');
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const candidate of this.records()) {
      if (
        candidate.users.length > 0 ||
        (!all && !candidate.anonymous) ||
        !matchesVolumeFilters(candidate, terms)
      )
        continue;
      await this.queue.run(candidate.name, async () => {
        const record = this.read(candidate.name);
        if (!record || record.users.length > 0) return;
        const size =
          parseLocalOptions(record.options).kind === 'plain' ? directorySize(this.dataPath(record.name)) : 0;
        await this.destroy(record);
        deleted.push(record.name);
        reclaimed += size;
      });
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /** Records that a container uses the volume (at container create). */
  acquire(name: string, containerId: string): void {
    const record = this.get(name);
    if (!record.users.includes(containerId)) {
      record.users.push(containerId);
      this.write(record);
    }
  }

  /** Records that a container no longer uses the volume (at container removal). */
  release(name: string, containerId: string): void {
    const record = this.read(name);
    if (!record?.users.includes(containerId)) return;
    record.users = record.users.filter((u) => u !== containerId);
    this.write(record);
  }

  /** Releases every volume of a removed container; with `removeAnonymous`, deletes its anonymous volumes left unused. */
  async releaseContainer(
    containerId: string,
    options: { removeAnonymous?: boolean } = {},
  ): Promise<string[]> {
    const removed: string[] = [];
    for (const record of this.records().filter((r) => r.users.includes(containerId))) {
      this.release(record.name, containerId);
      const after = this.read(record.name);
      if (options.removeAnonymous && after?.anonymous && after.users.length === 0) {
        await this.remove(record.name);
        removed.push(record.name);
      }
    }
    return removed;
  }

  /** Makes the volume ready to bind into a container (mounting driver options on first use); returns the host path. */
  mount(name: string, containerId: string): Promise<VolumeMount> {
    return this.queue.run(name, () => this.mountNow(name, containerId));
  }

  /** Undoes `mount` for a container; the last one unmounts driver-option mounts. */
  unmount(name: string, containerId: string): Promise<void> {
    return this.queue.run(name, () => this.unmountNow(name, containerId));
  }

  /**
   * Docker's copy-up: fills an empty volume with the image's content at the mount target,
   * keeping owners, modes and links, once in the volume's life; true when it copied. `source`
   * is a directory resolved safely inside the image, or a copier such as the image part's
   * `copyImagePath` (which resolves the path within the image's layers) returning whether the
   * image has that directory. Call it after the container's `mount`, so a driver-option mount
   * (tmpfs) holds the copy. A volume found non-empty is marked done without copying.
   */
  populateFromImage(name: string, source: string | ((dest: string) => Promise<boolean>)): Promise<boolean> {
    return this.queue.run(name, async () => {
      if (this.get(name).populated) return false;
      if (typeof source === 'string' && !isDirectory(source)) return false;
      const { path } = await this.mountNow(name, COPY_USER);
      let done: 'copied' | 'had-content' | 'nothing' = 'had-content';
      try {
        if (readdirSync(path).length === 0) {
          if (typeof source === 'string') {
            await copyDirectoryContents(source, path, this.binaries.cp);
            done = 'copied';
          } else {
            done = (await source(path)) ? 'copied' : 'nothing';
          }
        }
      } finally {
        await this.unmountNow(name, COPY_USER);
      }
      if (done !== 'nothing') {
        const updated = this.get(name);
        updated.populated = true;
        this.write(updated);
      }
      return done === 'copied';
    });
  }

  /** Size in bytes of the volume's content and how many containers use it (`docker system df`). */
  usage(name: string): { Size: number; RefCount: number } {
    const record = this.get(name);
    const plan = parseLocalOptions(record.options);
    const path = plan.kind === 'bind' ? plan.source : this.dataPath(name);
    return { Size: directorySize(path), RefCount: record.users.length };
  }

  /** Host path of the volume's `_data`. */
  dataPath(name: string): string {
    return join(this.dir, name, '_data');
  }

  private async mountNow(name: string, user: string): Promise<VolumeMount> {
    const record = this.get(name);
    const mount = await mountLocalVolume(record, { dataPath: this.dataPath(name), ...this.mountTools() });
    if (parseLocalOptions(record.options).kind === 'mount' && !record.mountedBy.includes(user)) {
      record.mountedBy.push(user);
      this.write(record);
    }
    return mount;
  }

  private async unmountNow(name: string, user: string): Promise<void> {
    const record = this.read(name);
    if (!record) return;
    record.mountedBy = record.mountedBy.filter((u) => u !== user);
    this.write(record);
    if (record.mountedBy.length === 0)
      await unmountLocalVolume(record, { dataPath: this.dataPath(name), ...this.mountTools() });
  }

  private mountTools(): { mountBinary: string; umountBinary: string; mountInfoPath: string | undefined } {
    return {
      mountBinary: this.binaries.mount,
      umountBinary: this.binaries.umount,
      mountInfoPath: this.mountInfoPath,
    };
  }

  /** Unmounts what is mounted inside the volume, then deletes its directory (never a bind source). */
  private async destroy(record: VolumeRecord): Promise<void> {
    const volumeDir = join(this.dir, record.name);
    for (const point of mountsUnder(volumeDir, this.mountInfoPath))
      await runMountCommand(this.binaries.umount, [point], record.name);
    if (mountsUnder(volumeDir, this.mountInfoPath).length > 0) {
      throw new VolumeError(
        'VOLUME_MOUNT_FAILED',
        `remove ${record.name}: something is still mounted in it`,
        {
          hint: 'unmount it by hand, then remove the volume again',
        },
      );
    }
    rmSync(volumeDir, { recursive: true, force: true });
  }

  private records(): VolumeRecord[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .sort()
      .flatMap((name) => this.read(name) ?? []);
  }

  private read(name: string): VolumeRecord | undefined {
    return NAME.test(name) ? readJson<VolumeRecord>(join(this.dir, name, 'meta.json')) : undefined;
  }

  private write(record: VolumeRecord): void {
    writeJsonAtomic(join(this.dir, record.name, 'meta.json'), record);
  }

  private api(record: VolumeRecord): ApiVolume {
    return toApiVolume(record, this.dataPath(record.name));
  }
}
