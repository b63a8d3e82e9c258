/**
 * Turns a Docker `user` string (`uid`, `uid:gid`, `name`, `name:group`) and `group_add` into
 * numeric ids, reading /etc/passwd and /etc/group of the container's root file system, as
 * Docker does: a numeric uid not in passwd runs with gid 0 and home `/`.
 */
import { readFileSync } from 'node:fs';
import { resolveInRoot } from './root-path.js';
import { RuntimeSpecError } from './runtime-errors.js';

/** The ids and home a process runs with. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ResolveUserOptions {
  /** Host path of the container root file system. */
  rootfs: string;
  user?: string;
  groupAdd?: string[];
}

/** Resolves `user` and `groupAdd` inside `rootfs`; unknown names throw RuntimeSpecError. */
export function resolveUser(options: ResolveUserOptions): ResolvedUser {
  const spec = (options.user ?? '').trim();
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = readPasswd(options.rootfs);
  const groups = readGroups(options.rootfs);

  let uid = 0;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  if (userPart === '') {
    const root = passwd.find((e) => e.uid === 0);
    home = root?.home ?? '/root';
    name = root?.name ?? 'root';
  } else if (isNumeric(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((e) => e.uid === uid);
    if (entry) {
      gid = entry.gid;
      home = entry.home;
      name = entry.name;
    }
  } else {
    const entry = passwd.find((e) => e.name === userPart);
    if (!entry) {
      throw new RuntimeSpecError(
        'process.user',
        `unable to find user ${userPart}: no matching entries in passwd file`,
        {
          hint: 'use a numeric uid or a user that exists in the image',
        },
      );
    }
    ({ uid, gid, home, name } = entry);
  }
  if (groupPart !== undefined && groupPart !== '') gid = lookupGroup(groups, groupPart, 'process.user');

  const additional = new Set<number>();
  if (name !== undefined && groupPart === undefined) {
    for (const group of groups)
      if (group.members.includes(name) && group.gid !== gid) additional.add(group.gid);
  }
  for (const group of options.groupAdd ?? []) additional.add(lookupGroup(groups, group, 'process.groupAdd'));
  return { uid, gid, additionalGids: [...additional].sort((a, b) => a - b), home };
}

function lookupGroup(groups: GroupEntry[], group: string, field: string): number {
  if (isNumeric(group)) return Number(group);
  const entry = groups.find((g) => g.name === group);
  if (!entry) {
    throw new RuntimeSpecError(field, `unable to find group ${group}: no matching entries in group file`, {
      hint: 'use a numeric gid or a group that exists in the image',
    });
  }
  return entry.gid;
}

function isNumeric(value: string): boolean {
  return /^\d+$/.test(value) && Number(value) <= 0xffffffff;
}

function readPasswd(rootfs: string): PasswdEntry[] {
  return readColonFile(rootfs, '/etc/passwd').flatMap((fields) => {
    const [name, , uid, gid, , home] = fields;
    if (!name || !isNumeric(uid ?? '') || !isNumeric(gid ?? '')) return [];
    return [{ name, uid: Number(uid), gid: Number(gid), home: home || '/' }];
  });
}

function readGroups(rootfs: string): GroupEntry[] {
  return readColonFile(rootfs, '/etc/group').flatMap((fields) => {
    const [name, , gid, members] = fields;
    if (!name || !isNumeric(gid ?? '')) return [];
    return [{ name, gid: Number(gid), members: (members ?? '').split(',').filter(Boolean) }];
  });
}

function readColonFile(rootfs: string, path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(resolveInRoot(rootfs, path), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}
