/**
 * For tests of the built CLI against a real engine: whether dockerd answers, unique project
 * names, free host ports, and cleanup by Compose's project label through the docker CLI
 * (independent of dev's own code, so a bug in dev cannot hide what it left behind).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** True when `docker version` reaches an engine (DOCKER_HOST or the default socket). */
export const hasDocker = (() => {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0;
})();

if (!hasDocker)
  console.warn(
    'no Docker engine answers: skipping tests that need one (start dockerd, or run scripts/test.sh)',
  );

/** `dev-e2e-<prefix>-<random>`: never the same twice, so parallel runs never collide. */
export function uniqueProject(prefix: string): string {
  return `deve2e-${prefix}-${randomBytes(3).toString('hex')}`;
}

/** `docker ...args` → stdout (trimmed); throws with stderr on failure. */
export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** `docker inspect` of one object as JSON. */
export function inspect<T = Record<string, unknown>>(name: string, kind = 'container'): T {
  return (JSON.parse(docker([kind, 'inspect', name])) as T[])[0] as T;
}

/** Names of the project's containers (all states), sorted. */
export function projectContainers(project: string): string[] {
  const out = docker([
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    '{{.Names}}',
  ]);
  return out ? out.split('\n').sort() : [];
}

/** Whatever the project left: containers, networks, volumes (by label). */
export function leftovers(project: string): string[] {
  const label = `label=com.docker.compose.project=${project}`;
  const list = (args: string[]) => {
    const out = docker(args);
    return out ? out.split('\n') : [];
  };
  return [
    ...list(['ps', '-aq', '--filter', label]).map((id) => `container ${id}`),
    ...list(['network', 'ls', '-q', '--filter', label]).map((id) => `network ${id}`),
    ...list(['volume', 'ls', '-q', '--filter', label]).map((id) => `volume ${id}`),
  ];
}

/** Removes everything labelled with the project, whatever state it is in. */
export function cleanupProject(project: string): void {
  const label = `label=com.docker.compose.project=${project}`;
  const ids = (args: string[]) => docker(args).split('\n').filter(Boolean);
  const containers = ids(['ps', '-aq', '--filter', label]);
  if (containers.length) spawnSync('docker', ['rm', '-f', '-v', ...containers]);
  const networks = ids(['network', 'ls', '-q', '--filter', label]);
  if (networks.length) spawnSync('docker', ['network', 'rm', ...networks]);
  const volumes = ids(['volume', 'ls', '-q', '--filter', label]);
  if (volumes.length) spawnSync('docker', ['volume', 'rm', '-f', ...volumes]);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
