/**
 * What the container tests need of the host: whether they can run here, the busybox test image
 * imported into an engine, and a clean-up that leaves nothing of an engine behind (mounts
 * under its root, its netns files, its cgroups, its root directory).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageService } from '../../../../src/engine/daemon/images/image-service.js';

export const TEST_IMAGE = 'dev-example/busybox:latest';

const has = (binary: string) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;

/** Why the bundled engine's container tests cannot run here, or undefined. */
export const bundledSkipReason: string | undefined = (() => {
  if (process.platform !== 'linux') return 'the bundled engine runs on Linux only';
  if (process.getuid?.() !== 0) return 'the bundled engine needs root';
  if (!has('runc')) return 'runc is missing (apt-get install runc)';
  if (!has('conmon')) return 'conmon is missing (apt-get install conmon)';
  if (!existsSync('/bin/busybox')) return '/bin/busybox is missing (apt-get install busybox-static)';
  return undefined;
})();

/** A busybox root file system (as scripts/make-test-images.sh makes it) as a tar stream. */
export function busyboxTar(): { stream: AsyncIterable<Buffer>; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dev-busybox-'));
  for (const sub of ['bin', 'etc', 'tmp', 'var/www', 'root', 'proc', 'sys', 'dev'])
    mkdirSync(join(dir, sub), { recursive: true });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', join(dir, 'bin', applet));
  writeFileSync(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  chmodSync(join(dir, 'tmp'), 0o1777);
  const child = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return {
    stream: child.stdout as AsyncIterable<Buffer>,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Imports TEST_IMAGE into an engine's image service. */
export async function importTestImage(images: ImageService): Promise<void> {
  const tar = busyboxTar();
  try {
    await images.import({
      source: tar.stream,
      changes: ['ENV PATH=/bin', 'CMD ["sh"]'],
      reference: TEST_IMAGE,
      sourceName: '-',
    });
  } finally {
    tar.done();
  }
}

/** Removes what an engine with this root and prefix left on the host, then the root. */
export function cleanHost(root: string, prefix: string): void {
  const parent = prefix.toLowerCase();
  // mounts under the root, deepest first (snapshots, volumes)
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync('umount', ['-l', point]);
  for (const name of safeReaddir('/run/netns')) {
    if (name.startsWith(`${parent}-`)) spawnSync('ip', ['netns', 'del', name]);
  }
  for (const controller of safeReaddir('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller, parent);
    if (!existsSync(dir)) continue;
    for (const child of safeReaddir(dir)) {
      try {
        rmdirSync(join(dir, child));
      } catch {
        // a cgroup still in use: its processes are gone soon, or it is not ours to force
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      // as above
    }
  }
  rmSync(root, { recursive: true, force: true });
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
