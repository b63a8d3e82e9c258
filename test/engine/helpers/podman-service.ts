/**
 * Podman's Docker-compatible API for the engine suite: `podman system service` on a private
 * socket, with its own storage, run and network directories (nothing shared with the host's
 * podman), started and stopped by PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from './test-image.js';

export interface PodmanService {
  socket: string;
  /** A loopback port podman treats as a plain-HTTP registry (for a local registry test). */
  registryPort: number;
  /** docker CLI arguments that reach it. */
  dockerArgs: string[];
  stop(): Promise<void>;
}

/** Whether podman is installed. */
export function hasPodman(): boolean {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Starts the service; resolves once its socket exists. */
export async function startPodman(): Promise<PodmanService> {
  const dir = mkdtempSync(join(tmpdir(), 'dev-podman-'));
  const socket = join(dir, 'podman.sock');
  const registryPort = await freePort();
  // Debian's podman has no catatonit; docker's tini serves as `init: true`. Docker treats
  // loopback registries as plain HTTP by default; podman needs telling.
  // The host's RLIMIT_NOFILE is below podman's default; crun refuses cgroup v1 hybrid setups.
  writeFileSync(
    join(dir, 'containers.conf'),
    '[containers]\ninit_path = "/usr/bin/docker-init"\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[engine]\nruntime = "runc"\n',
  );
  writeFileSync(
    join(dir, 'registries.conf'),
    `unqualified-search-registries = []\n[[registry]]\nlocation = "127.0.0.1:${registryPort}"\ninsecure = true\n`,
  );
  const args = [
    '--root',
    join(dir, 'root'),
    '--runroot',
    join(dir, 'run'),
    '--network-config-dir',
    join(dir, 'networks'),
    '--tmpdir',
    join(dir, 'tmp'),
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'file',
    'system',
    'service',
    '--time',
    '0',
    `unix://${socket}`,
  ];
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
  };
  const child: ChildProcess = spawn('podman', args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
    // Podman's storage may hold overlay mounts of leftover containers: unmount before removing.
    try {
      execFileSync(
        'sh',
        ['-c', `grep -o " ${dir}/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // nothing mounted
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`podman system service exited: ${stderr}`);
      return existsSync(socket) ? true : undefined;
    }, 'the podman socket');
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket, registryPort, dockerArgs: ['-H', `unix://${socket}`], stop };
}
