/**
 * `docker top`: the processes of a container's cgroup, as `ps` prints them. Like dockerd, run
 * the host's `ps` with the caller's arguments and keep the rows whose PID is in the cgroup.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupDirs } from './cgroup-layout.js';
import { RuntimeSpecError } from './runtime-errors.js';

export interface TopResult {
  titles: string[];
  processes: string[][];
}

/** The pids in the container's cgroup (v2 unified, else the first v1 hierarchy present). */
export function cgroupPids(dirs: CgroupDirs): number[] {
  const candidates = [
    ...['pids', 'memory', 'cpu', 'freezer', 'devices', 'name=systemd'].map((c) => dirs.controllers[c]),
    dirs.unified,
  ].filter((d): d is string => d !== undefined);
  for (const dir of candidates) {
    try {
      return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      // try the next hierarchy
    }
  }
  return [];
}

export interface ListProcessesOptions {
  pids: number[];
  /** `ps` arguments; default `-ef`. */
  psArgs?: string[];
  psPath?: string;
}

/** Runs ps and keeps the container's rows; ps output without a PID column throws RuntimeSpecError. */
export function listProcesses(options: ListProcessesOptions): Promise<TopResult> {
  const args = options.psArgs && options.psArgs.length > 0 ? options.psArgs : ['-ef'];
  return new Promise((resolve, reject) => {
    execFile(options.psPath ?? 'ps', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new RuntimeSpecError('psArgs', `ps ${args.join(' ')} failed: ${stderr.trim() || error.message}`),
        );
        return;
      }
      try {
        resolve(parsePsOutput(stdout, new Set(options.pids)));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

/** Parses ps output, keeping rows whose PID is in `pids`; the last column keeps its spaces. */
export function parsePsOutput(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const titles = (lines[0] ?? '').trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) {
    throw new RuntimeSpecError('psArgs', `ps output has no PID column (titles: ${titles.join(' ')})`, {
      hint: 'pass ps arguments that print the PID, such as -ef or aux',
    });
  }
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const pid = Number(fields[pidIndex]);
    if (!pids.has(pid)) continue;
    const head = fields.slice(0, titles.length - 1);
    const tail = fields.slice(titles.length - 1).join(' ');
    processes.push([...head, tail]);
  }
  return { titles, processes };
}
