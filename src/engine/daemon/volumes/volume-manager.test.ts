/**
 * Volumes on a temp state root: create, inspect, list, remove, prune, in-use refusal, copy-up
 * once, driver options (bind; tmpfs mounts as root), persistence.
 */
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountsUnder } from './mount-table.js';
import { VolumeManager } from './volume-manager.js';

const isRoot = process.getuid?.() === 0;
let root: string;
let manager: VolumeManager;
const clock = () => new Date('2024-05-01T10:00:00.123Z');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dev-vol-'));
  manager = new VolumeManager({ root, clock });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('VolumeManager', () => {
  it('creates a named volume in the Docker API shape, and returns it again for the same name', () => {
    const created = manager.create({ Name: 'proj_data', Labels: { 'com.docker.compose.project': 'proj' } });
    expect(created).toEqual({
      Name: 'proj_data',
      Driver: 'local',
      Mountpoint: join(root, 'volumes/proj_data/_data'),
      CreatedAt: '2024-05-01T10:00:00Z',
      Labels: { 'com.docker.compose.project': 'proj' },
      Scope: 'local',
      Options: null,
    });
    expect(statSync(created.Mountpoint).isDirectory()).toBe(true);
    expect(manager.create({ Name: 'proj_data', Labels: { other: '1' } })).toEqual(created);
    expect(manager.inspect('proj_data')).toEqual(created);
  });

  it('refuses bad names, other drivers and unknown options, and says when a volume is missing', () => {
    expect(() => manager.create({ Name: '/srv/x' })).toThrow(
      /includes invalid characters for a local volume name/,
    );
    expect(() => manager.create({ Name: 'x', Driver: 'nfs-plugin' })).toThrow(
      'plugin "nfs-plugin" not found',
    );
    expect(() => manager.create({ Name: 'opts', DriverOpts: { colour: 'red' } })).toThrow(
      'invalid option key: "colour"',
    );
    expect(() => manager.create({ Name: 'nobind', DriverOpts: { o: 'bind', device: 'relative' } })).toThrow(
      /absolute device/,
    );
    expect(() => manager.inspect('nope')).toThrow(
      expect.objectContaining({ code: 'VOLUME_NOT_FOUND', status: 404 }),
    );
  });

  it('names anonymous volumes with 64 hex digits and labels them', () => {
    const anonymous = manager.create({});
    expect(anonymous.Name).toMatch(/^[0-9a-f]{64}$/);
    expect(anonymous.Labels).toEqual({ 'com.docker.volume.anonymous': '' });
  });

  it('lists with filters', () => {
    manager.create({ Name: 'proj_db', Labels: { 'com.docker.compose.project': 'proj' } });
    manager.create({ Name: 'proj_cache', Labels: { 'com.docker.compose.project': 'proj', tmp: '1' } });
    manager.create({ Name: 'other' });
    manager.acquire('proj_db', 'c1');
    const names = (filters: Record<string, string[]>) => manager.list(filters).Volumes.map((v) => v.Name);
    expect(names({})).toEqual(['other', 'proj_cache', 'proj_db']);
    expect(names({ label: ['com.docker.compose.project=proj'] })).toEqual(['proj_cache', 'proj_db']);
    expect(names({ name: ['cache'] })).toEqual(['proj_cache']);
    expect(names({ dangling: ['true'] })).toEqual(['other', 'proj_cache']);
    expect(manager.list().Warnings).toEqual([]);
    expect(() => manager.list({ size: ['1'] })).toThrow("invalid filter 'size'");
  });

  it('refuses to remove a volume in use unless forced', async () => {
    manager.create({ Name: 'busy' });
    manager.acquire('busy', 'c1');
    manager.acquire('busy', 'c2');
    await expect(manager.remove('busy')).rejects.toThrow('remove busy: volume is in use - [c1, c2]');
    await expect(manager.remove('busy')).rejects.toMatchObject({ code: 'VOLUME_IN_USE', status: 409 });
    manager.release('busy', 'c1');
    manager.release('busy', 'c2');
    await manager.remove('busy');
    expect(() => manager.inspect('busy')).toThrow(/no such volume/);
    manager.create({ Name: 'forced' });
    manager.acquire('forced', 'c3');
    await manager.remove('forced', { force: true });
    await manager.remove('forced', { force: true });
    await expect(manager.remove('forced')).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND' });
  });

  it('removes a container’s anonymous volumes with it when asked, and keeps named ones', async () => {
    const anonymous = manager.create({}).Name;
    manager.create({ Name: 'named' });
    manager.acquire(anonymous, 'c1');
    manager.acquire('named', 'c1');
    expect(await manager.releaseContainer('c1', { removeAnonymous: true })).toEqual([anonymous]);
    expect(manager.list().Volumes.map((v) => v.Name)).toEqual(['named']);
    expect(manager.get('named').users).toEqual([]);
  });

  it('prunes unused anonymous volumes by default, and named ones too with all=true', async () => {
    const anonymous = manager.create({}).Name;
    const busyAnonymous = manager.create({}).Name;
    manager.acquire(busyAnonymous, 'c1');
    manager.create({ Name: 'named' });
    manager.create({ Name: 'kept', Labels: { keep: 'yes' } });
    writeFileSync(join(manager.dataPath(anonymous), 'blob'), Buffer.alloc(1000));
    expect(await manager.prune()).toEqual({ VolumesDeleted: [anonymous], SpaceReclaimed: 1000 });
    expect(await manager.prune({ all: ['true'], 'label!': ['keep'] })).toEqual({
      VolumesDeleted: ['named'],
      SpaceReclaimed: 0,
    });
    expect(
      manager
        .list()
        .Volumes.map((v) => v.Name)
        .sort(),
    ).toEqual([busyAnonymous, 'kept'].sort());
  });

  it('copies the image content in once, with modes and symlinks (and owners as root)', async () => {
    const source = join(root, 'image/var/lib/data');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'sub/config'), 'from the image');
    chmodSync(join(source, 'sub/config'), 0o640);
    chmodSync(source, 0o750);
    symlinkSync('sub/config', join(source, 'link'));
    if (isRoot) chownSync(source, 999, 998);
    manager.create({ Name: 'data' });
    expect(await manager.populateFromImage('data', source)).toBe(true);
    const data = manager.dataPath('data');
    expect(readFileSync(join(data, 'sub/config'), 'utf8')).toBe('from the image');
    expect(statSync(join(data, 'sub/config')).mode & 0o777).toBe(0o640);
    expect(statSync(data).mode & 0o777).toBe(0o750);
    expect(lstatSync(join(data, 'link')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(data, 'link'))).toBe('sub/config');
    if (isRoot) expect([statSync(data).uid, statSync(data).gid]).toEqual([999, 998]);

    // once: emptied and populated again, nothing comes back
    rmSync(join(data, 'sub'), { recursive: true });
    rmSync(join(data, 'link'));
    expect(await manager.populateFromImage('data', source)).toBe(false);
    expect(new VolumeManager({ root }).get('data').populated).toBe(true);
    expect(await manager.populateFromImage('data', join(root, 'missing'))).toBe(false);
  });

  it('does not copy into a volume that already has content', async () => {
    const source = join(root, 'image/srv');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'a'), 'image');
    manager.create({ Name: 'full' });
    writeFileSync(join(manager.dataPath('full'), 'mine'), 'user data');
    expect(await manager.populateFromImage('full', source)).toBe(false);
    expect(() => readFileSync(join(manager.dataPath('full'), 'a'))).toThrow();
    expect(manager.get('full').populated).toBe(true);
  });

  it('takes a copier (as the image part gives) and marks the volume only when the image had content', async () => {
    manager.create({ Name: 'fromimage' });
    expect(await manager.populateFromImage('fromimage', async () => false)).toBe(false);
    expect(manager.get('fromimage').populated).toBe(false);
    const copier = async (dest: string) => {
      writeFileSync(join(dest, 'from-layers'), 'yes');
      return true;
    };
    expect(await manager.populateFromImage('fromimage', copier)).toBe(true);
    expect(readFileSync(join(manager.dataPath('fromimage'), 'from-layers'), 'utf8')).toBe('yes');
    expect(await manager.populateFromImage('fromimage', copier)).toBe(false);
  });

  it('binds a host directory with o=bind, copies into it, and never deletes it with the volume', async () => {
    const device = join(root, 'host-dir');
    mkdirSync(device);
    const source = join(root, 'image/etc/app');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'app.conf'), 'x=1');
    manager.create({ Name: 'bound', DriverOpts: { type: 'none', o: 'bind,ro', device } });
    expect(manager.inspect('bound').Options).toEqual({ type: 'none', o: 'bind,ro', device });
    expect(await manager.mount('bound', 'c1')).toEqual({ path: device, readOnly: true });
    expect(await manager.populateFromImage('bound', source)).toBe(true);
    expect(readFileSync(join(device, 'app.conf'), 'utf8')).toBe('x=1');
    await manager.unmount('bound', 'c1');
    await manager.remove('bound');
    expect(readFileSync(join(device, 'app.conf'), 'utf8')).toBe('x=1');
  });

  it('persists: a new manager on the same root sees the volumes and their users', () => {
    manager.create({ Name: 'kept', Labels: { a: 'b' } });
    manager.acquire('kept', 'c9');
    const again = new VolumeManager({ root });
    expect(again.inspect('kept')).toEqual(manager.inspect('kept'));
    expect(again.get('kept').users).toEqual(['c9']);
    expect(again.usage('kept')).toEqual({ Size: 0, RefCount: 1 });
  });
});

describe.skipIf(!isRoot)('driver-option mounts (root)', () => {
  it('mounts a tmpfs volume while containers use it, and unmounts after the last', async () => {
    manager.create({ Name: 'scratch', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m' } });
    const path = manager.dataPath('scratch');
    expect(await manager.mount('scratch', 'c1')).toEqual({ path, readOnly: false });
    await manager.mount('scratch', 'c2');
    expect(mountsUnder(path)).toEqual([path]);
    writeFileSync(join(path, 'f'), 'in tmpfs');
    await manager.unmount('scratch', 'c1');
    expect(mountsUnder(path)).toEqual([path]);
    await manager.unmount('scratch', 'c2');
    expect(mountsUnder(path)).toEqual([]);
  });

  it('copies the image content into the mounted file system, and unmounts before deleting', async () => {
    const source = join(root, 'image/cache');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'seed'), 'seeded');
    manager.create({ Name: 'fast', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
    const { path } = await manager.mount('fast', 'c1');
    expect(await manager.populateFromImage('fast', source)).toBe(true);
    expect(readFileSync(join(path, 'seed'), 'utf8')).toBe('seeded');
    expect(mountsUnder(path)).toEqual([path]);
    // removal while mounted (forced): unmounted first, so rm never walks into a mount
    await manager.remove('fast', { force: true });
    expect(mountsUnder(join(root, 'volumes/fast'))).toEqual([]);
  });
});
