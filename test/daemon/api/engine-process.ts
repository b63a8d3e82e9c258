/**
 * The bundled engine as a child process for API tests: `node dist/dev-engine.cjs` on a temp
 * root and socket with a unique prefix (chains, netns, cgroups), the docker CLI pointed at it
 * with a clean config, and a stop that waits for the process (by its PID) and removes the root.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../helpers/corpus.js';

export const engineScript = join(projectRoot, 'dist/dev-engine.cjs');

/** The docker CLI to drive the engine with: DEV_TEST_DOCKER_CLI, else Debian's 20.10, else `docker`. */
export const dockerCli =
  process.env.DEV_TEST_DOCKER_CLI ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');

/** Why the engine cannot be tested here, or undefined when it can. */
export const cannotRunEngine: string | undefined = (() => {
  if (process.platform !== 'linux') return 'the bundled engine runs on Linux only';
  if (process.getuid?.() !== 0) return 'the bundled engine needs root';
  if (spawnSync(dockerCli, ['--version']).status !== 0) return `no docker CLI (${dockerCli})`;
  return undefined;
})();

if (cannotRunEngine) console.warn(`skipping bundled engine API tests: ${cannotRunEngine}`);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestEngine {
  root: string;
  socket: string;
  /** `unix://<socket>`. */
  host: string;
  prefix: string;
  pid: number;
  /** The docker CLI against this engine. */
  docker(args: string[], options?: { input?: Buffer | string; env?: Record<string, string> }): RunResult;
  /** The same without blocking the test's event loop (for servers the test itself runs). */
  dockerAsync(args: string[], options?: { input?: string }): Promise<RunResult>;
  /** The log so far (for failure messages). */
  log(): string;
  /** SIGTERM, wait for the exit, remove the root. */
  stop(): Promise<void>;
}

/** Starts an engine; resolves once `_ping` answers. */
export async function startTestEngine(name: string): Promise<TestEngine> {
  const root = mkdtempSync(join(tmpdir(), `dev-engine-${name}-`));
  const socket = join(root, 'api.sock');
  const prefix = `DT${randomBytes(3).toString('hex').toUpperCase()}`;
  const dockerConfig = join(root, 'docker-config');
  mkdirSync(dockerConfig);
  const child: ChildProcess = spawn(
    process.execPath,
    [engineScript, '--root', root, '--socket', socket, '--prefix', prefix],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_CONFIG: dockerConfig } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => {
    try {
      return readFileSync(join(root, 'engine.log'), 'utf8') + stderr;
    } catch {
      return stderr;
    }
  };
  for (let i = 0; !(await ping(socket)); i++) {
    if (child.exitCode !== null || i > 600) {
      child.kill('SIGKILL');
      throw new Error(`the engine did not start: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const host = `unix://${socket}`;
  return {
    root,
    socket,
    host,
    prefix,
    pid: child.pid ?? 0,
    log,
    docker(args, options = {}) {
      const r = spawnSync(dockerCli, ['-H', host, ...args], {
        input: options.input ?? '',
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        timeout: 120_000,
        env: { ...process.env, DOCKER_CONFIG: dockerConfig, ...options.env },
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    dockerAsync(args, options = {}) {
      return new Promise((resolve) => {
        const c = spawn(dockerCli, ['-H', host, ...args], {
          env: { ...process.env, DOCKER_CONFIG: dockerConfig },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        c.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        c.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        c.stdin?.end(options.input ?? '');
        c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    },
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Whether `_ping` answers on the socket. */
export function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** One request to the engine: status, headers and body text. */
export function apiRequest(
  socket: string,
  path: string,
  options: { method?: string; body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A tar of a busybox root file system (Debian's static /bin/busybox and its applets), or undefined without it. */
export function busyboxRootfsTar(): Buffer | undefined {
  // one tar per test process: imports of it share one layer
  rootfsTar ??= makeRootfsTar();
  return rootfsTar;
}

let rootfsTar: Buffer | undefined;

function makeRootfsTar(): Buffer | undefined {
  if (!existsSync('/bin/busybox')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dev-engine-rootfs-'));
  try {
    for (const d of ['bin', 'etc', 'tmp']) mkdirSync(join(dir, d));
    spawnSync('cp', ['/bin/busybox', join(dir, 'bin/busybox')]);
    const applets = spawnSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n');
    for (const applet of applets.filter((a) => a && a !== 'busybox'))
      symlinkSync('busybox', join(dir, 'bin', applet));
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(dir, 'etc/group'), 'root:x:0:\n');
    return spawnSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 1 << 28 }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
