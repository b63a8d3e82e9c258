/** A local Docker registry (Debian's docker-registry) on 127.0.0.1, started and stopped by PID. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from './test-image.js';

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  stop(): Promise<void>;
}

/** Options of a test registry. */
export interface RegistryOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** An htpasswd line (`user:bcrypt-hash`): the registry then asks for basic auth. */
  htpasswd?: string;
}

/** Starts a registry with a temporary config and storage; resolves once it answers /v2/. */
export async function startRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'dev-registry-'));
  const listen = options.port ?? (await freePort());
  const auth: string[] = [];
  if (options.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), `${options.htpasswd}\n`);
    auth.push('auth:', '  htpasswd:', '    realm: dev-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${listen}`,
      ...auth,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      () =>
        new Promise<true | undefined>((resolve) => {
          if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
          const req = request({ host: '127.0.0.1', port: listen, path: '/v2/' }, (res) => {
            res.resume();
            // 401: up, and asking for credentials.
            resolve(res.statusCode === 200 || res.statusCode === 401 ? true : undefined);
          });
          req.on('error', () => resolve(undefined));
          req.end();
        }),
      'the local registry',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${listen}`, stop };
}
