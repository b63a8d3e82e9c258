/**
 * What the runtime keeps on disk per container, so a restarted daemon finds everything again:
 * the directory layout under the state root and the record (written atomically).
 *
 *   <root>/containers/<id>/record.json   this record
 *   <root>/containers/<id>/config.json   the OCI bundle config (the directory is the bundle)
 *   <root>/containers/<id>/ctr.log       conmon's k8s-file log
 *   <root>/containers/<id>/exit, oom     conmon's exit code and OOM marker for the last run
 *   <root>/containers/<id>/attach, ctl   conmon's attach socket and control fifo
 *   <root>/containers/<id>/exec/<exec>/  one directory per exec session
 *   <root>/exits/<id>                    conmon's exit notice, watched with inotify
 */
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import type { RuntimeSpec } from './runtime-spec.js';

export interface ContainerRecord {
  version: 1;
  id: string;
  createdAt: string;
  spec: RuntimeSpec;
  cgroupsPath: string;
  warnings: string[];
  /** The init binary bound in for `init: true`: real path and the name it was found by. */
  init?: { path: string; found: string };
  /** The current (or last) run; absent until the first start. */
  startedAt?: string;
  pid?: number;
  conmonPid?: number;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Set while the container is paused, so a restarted daemon knows without asking runc. */
  paused?: boolean;
  /** How many times the container was started. */
  runs?: number;
  /** Why the last start failed. */
  startError?: string;
}

/** Paths of one container's files. */
export interface ContainerPaths {
  dir: string;
  record: string;
  config: string;
  log: string;
  exitFile: string;
  oomFile: string;
  pidFile: string;
  ctl: string;
  execRoot: string;
  /** The host-side /dev/shm of an IPC-shareable container. */
  shm: string;
  exitNotice: string;
}

/** The layout under a runtime state root. */
export class RuntimeLayout {
  readonly containersDir: string;
  readonly exitsDir: string;

  constructor(readonly rootDir: string) {
    this.containersDir = join(rootDir, 'containers');
    this.exitsDir = join(rootDir, 'exits');
  }

  /** Paths of container `id` (inside `dir` when given, e.g. a directory being prepared). */
  paths(id: string, dir = join(this.containersDir, id)): ContainerPaths {
    return {
      dir,
      record: join(dir, 'record.json'),
      config: join(dir, 'config.json'),
      log: join(dir, 'ctr.log'),
      exitFile: join(dir, 'exit'),
      oomFile: join(dir, 'oom'),
      pidFile: join(dir, 'pidfile'),
      ctl: join(dir, 'ctl'),
      execRoot: join(dir, 'exec'),
      shm: join(dir, 'shm'),
      exitNotice: join(this.exitsDir, id),
    };
  }

  readRecord(id: string): ContainerRecord | undefined {
    return readJson<ContainerRecord>(this.paths(id).record);
  }

  writeRecord(record: ContainerRecord, dir?: string): void {
    writeJsonAtomic(this.paths(record.id, dir).record, record);
  }
}
