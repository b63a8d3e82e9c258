import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveUser } from './resolve-user.js';
import { resolveInRoot } from './root-path.js';

const root = mkdtempSync(join(tmpdir(), 'dev-resolve-user-'));
mkdirSync(join(root, 'etc'));
mkdirSync(join(root, 'data'));
writeFileSync(
  join(root, 'data/passwd'),
  'root:x:0:0:root:/root:/bin/sh\nweb:x:33:33:www:/var/www:/bin/false\n',
);
// An absolute symlink must resolve inside the root file system, not on the host.
symlinkSync('/data/passwd', join(root, 'etc/passwd'));
writeFileSync(
  join(root, 'etc/group'),
  'root:x:0:\nwww:x:33:\nstaff:x:50:web,other\n# comment\nvideo:x:44:\n',
);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveUser', () => {
  it('defaults to root', () => {
    expect(resolveUser({ rootfs: root })).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/root' });
  });

  it('resolves names with their groups, and group names', () => {
    expect(resolveUser({ rootfs: root, user: 'web' })).toEqual({
      uid: 33,
      gid: 33,
      additionalGids: [50],
      home: '/var/www',
    });
    expect(resolveUser({ rootfs: root, user: 'web:video', groupAdd: ['staff', '1234'] })).toEqual({
      uid: 33,
      gid: 44,
      additionalGids: [50, 1234],
      home: '/var/www',
    });
  });

  it('takes numbers as they are, with passwd defaults when known', () => {
    expect(resolveUser({ rootfs: root, user: '33' })).toMatchObject({ uid: 33, gid: 33, home: '/var/www' });
    expect(resolveUser({ rootfs: root, user: '5000' })).toEqual({
      uid: 5000,
      gid: 0,
      additionalGids: [],
      home: '/',
    });
    expect(resolveUser({ rootfs: root, user: '5000:6000' })).toMatchObject({ uid: 5000, gid: 6000 });
  });

  it('refuses unknown names', () => {
    expect(() => resolveUser({ rootfs: root, user: 'nobody' })).toThrow(/unable to find user nobody/);
    expect(() => resolveUser({ rootfs: root, user: '0:nogroup' })).toThrow(/unable to find group nogroup/);
  });
});

describe('resolveInRoot', () => {
  it('keeps symlinks and .. inside the root', () => {
    symlinkSync('../../../../etc', join(root, 'escape'));
    expect(resolveInRoot(root, '/escape/group')).toBe(join(root, 'etc/group'));
    expect(resolveInRoot(root, '../../etc/passwd')).toBe(join(root, 'data/passwd'));
    expect(resolveInRoot(root, '/missing/file')).toBe(join(root, 'missing/file'));
  });
});
