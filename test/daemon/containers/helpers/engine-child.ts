/**
 * The bundled engine as a child process (dist/dev-engine.cjs, built by the global setup) for
 * tests that drive it with the docker CLI, docker-compose or dev, or kill it: start on a
 * temporary root and socket with a unique prefix, TEST_IMAGE imported, `kill -9` and restart
 * on the same root, and a stop that removes everything it made and cleans the host.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../helpers/corpus.js';
import { busyboxTar, cleanHost, TEST_IMAGE } from './host-cleanup.js';

const script = join(projectRoot, 'dist/dev-engine.cjs');

/** Debian's docker CLI 20.10 when installed (the one the brief names), else `docker`. */
export const dockerCli = process.env.DEV_TEST_DOCKER_CLI ?? '/usr/bin/docker';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** An engine process and how to reach it. */
export class EngineChild {
  readonly socket: string;
  readonly host: string;
  readonly prefix: string;
  readonly dockerConfig: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly root: string) {
    this.socket = join(root, 'engine.sock');
    this.host = `unix://${this.socket}`;
    this.prefix = `DK${randomBytes(3).toString('hex').toUpperCase()}`;
    this.dockerConfig = join(root, 'docker-config');
    mkdirSync(this.dockerConfig, { recursive: true });
  }

  /** The engine process's pid (0 when not running). */
  get pid(): number {
    return this.child?.exitCode === null ? (this.child.pid ?? 0) : 0;
  }

  /** Starts the process; resolves once `_ping` answers. */
  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [script, '--root', this.root, '--socket', this.socket, '--prefix', this.prefix],
      {
        stdio: 'ignore',
        env: { ...process.env, DOCKER_CONFIG: this.dockerConfig },
      },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; ; i++) {
      if ((await this.api('/_ping').catch(() => undefined))?.status === 200) return;
      if (child.exitCode !== null || i > 600) throw new Error(`the engine did not start: ${this.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `kill -9` of the engine (containers go on running under their shims). */
  async kill9(): Promise<void> {
    if (this.pid) process.kill(this.pid, 'SIGKILL');
    await this.exited;
  }

  /** The engine's log file. */
  log(): string {
    try {
      return readFileSync(join(this.root, 'engine.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** One API request. */
  api(path: string, options: { method?: string; body?: unknown } = {}): Promise<ApiAnswer> {
    return new Promise((resolve, reject) => {
      const body =
        options.body === undefined
          ? undefined
          : Buffer.isBuffer(options.body)
            ? options.body
            : Buffer.from(JSON.stringify(options.body));
      const req = request(
        {
          socketPath: this.socket,
          path,
          method: options.method ?? 'GET',
          headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {},
        },
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
      req.end(body);
    });
  }

  /** JSON of a GET (or other method); throws on a status >= 400. */
  async json<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
    const answer = await this.api(path, options);
    if (answer.status >= 400)
      throw new Error(`${options.method ?? 'GET'} ${path}: ${answer.status} ${answer.text}`);
    return (answer.text ? JSON.parse(answer.text) : undefined) as T;
  }

  /** Runs the docker CLI against the engine (asynchronously: the engine may be in this process). */
  docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return run(dockerCli, ['-H', this.host, ...args], {
      env: { ...process.env, DOCKER_CONFIG: this.dockerConfig },
      ...options,
    });
  }

  /** Imports TEST_IMAGE through the API. */
  async importTestImage(): Promise<void> {
    const tar = busyboxTar();
    const chunks: Buffer[] = [];
    for await (const c of tar.stream) chunks.push(c);
    tar.done();
    const [repo, tag] = TEST_IMAGE.split(':');
    const changes = ['ENV PATH=/bin', 'CMD ["sh"]'].map((c) => `changes=${encodeURIComponent(c)}`).join('&');
    const answer = await this.api(`/v1.41/images/create?fromSrc=-&repo=${repo}&tag=${tag}&${changes}`, {
      method: 'POST',
      body: Buffer.concat(chunks),
    });
    if (answer.status !== 200) throw new Error(`import: ${answer.status} ${answer.text}`);
  }

  /** Removes every container, network and volume, stops the engine and cleans the host. */
  async stop(): Promise<void> {
    if (this.pid) {
      const all = await this.json<{ Id: string }[]>('/v1.41/containers/json?all=1').catch(() => []);
      await Promise.all(
        all.map((c) => this.api(`/v1.41/containers/${c.Id}?force=1&v=1`, { method: 'DELETE' })),
      );
      const networks = await this.json<{ Id: string; Name: string }[]>('/v1.41/networks').catch(() => []);
      for (const n of networks) {
        if (!['bridge', 'host', 'none'].includes(n.Name))
          await this.api(`/v1.41/networks/${n.Id}`, { method: 'DELETE' });
      }
      const volumes = await this.json<{ Volumes: { Name: string }[] | null }>('/v1.41/volumes').catch(() => ({
        Volumes: [],
      }));
      for (const v of volumes.Volumes ?? [])
        await this.api(`/v1.41/volumes/${v.Name}?force=1`, { method: 'DELETE' });
      process.kill(this.pid, 'SIGTERM');
      await this.exited;
    }
    cleanHost(this.root, this.prefix);
  }
}

/** A started engine with TEST_IMAGE, named for the test file. */
export async function startEngineChild(name: string): Promise<EngineChild> {
  const engine = new EngineChild(mkdtempSync(join(tmpdir(), `dev-engine-ctr-${name}-`)));
  await engine.start();
  await engine.importTestImage();
  return engine;
}

/** Runs a program asynchronously, collecting its output. */
export function run(
  file: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        timeout: options.timeoutMs ?? 120_000,
        env: options.env ?? process.env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
