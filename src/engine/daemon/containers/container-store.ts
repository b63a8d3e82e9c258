/**
 * Container records on disk: `<root>/containers/<id>/container.json` (written atomically), and
 * beside it the files bind-mounted into the container (hosts, hostname, resolv.conf), which are
 * rewritten at every start. A directory without a record is a create that never finished.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import type { ContainerRecord } from './container-types.js';

/** Paths of one container's own files. */
export interface ContainerFiles {
  dir: string;
  record: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
  /** The log, moved here while the runtime's bundle is made anew (see ContainerService). */
  keptLog: string;
}

const ID = /^[0-9a-f]{64}$/;

/** Records of all containers under one state root. */
export class ContainerStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'containers');
    mkdirSync(this.dir, { recursive: true, mode: 0o711 });
  }

  files(id: string): ContainerFiles {
    const dir = join(this.dir, id);
    return {
      dir,
      record: join(dir, 'container.json'),
      hosts: join(dir, 'hosts'),
      hostname: join(dir, 'hostname'),
      resolvConf: join(dir, 'resolv.conf'),
      keptLog: join(dir, 'ctr.log.kept'),
    };
  }

  /** Every readable record; ids of directories without one (half-made creates) in `orphans`. */
  loadAll(): { records: ContainerRecord[]; orphans: string[] } {
    const records: ContainerRecord[] = [];
    const orphans: string[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('.')) {
        rmSync(join(this.dir, name), { recursive: true, force: true });
        continue;
      }
      if (!ID.test(name)) continue;
      const record = readJson<ContainerRecord>(this.files(name).record);
      if (record?.version === 1 && record.id === name) records.push(record);
      else orphans.push(name);
    }
    return { records, orphans };
  }

  save(record: ContainerRecord): void {
    writeJsonAtomic(this.files(record.id).record, record);
  }

  /** Writes the files the container gets at /etc (small, rewritten in place before a start). */
  writeEtcFiles(id: string, files: { hosts: string; hostname: string; resolvConf: string }): void {
    const paths = this.files(id);
    mkdirSync(paths.dir, { recursive: true, mode: 0o711 });
    writeFileSync(paths.hosts, files.hosts, { mode: 0o644 });
    writeFileSync(paths.hostname, files.hostname, { mode: 0o644 });
    writeFileSync(paths.resolvConf, files.resolvConf, { mode: 0o644 });
  }

  /** Removes the directory; renamed aside first so a crash midway leaves no record behind. */
  remove(id: string): void {
    const dir = this.files(id).dir;
    const trash = join(this.dir, `.${id}.removing`);
    try {
      renameSync(dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    rmSync(trash, { recursive: true, force: true });
  }
}
