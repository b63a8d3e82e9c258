/**
 * Engine detection and every transport against the real Docker daemon: the default socket,
 * DOCKER_HOST over TCP and over TLS with client certificates (loopback front-ends), and ssh://
 * through a stand-in ssh that carries dial-stdio to the local socket.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEngine } from '../../src/engine/detect/detect-engine.js';
import { connectDockerApi } from '../../src/engine/docker-api/connect-docker-api.js';
import { EngineConnectionError, EngineUnavailableError } from '../../src/engine/engine.js';
import { makeCertificates, type SocketProxy, tcpProxy, tlsProxy } from './helpers/socket-proxies.js';

const socket = '/var/run/docker.sock';
const hasDocker = existsSync(socket);
const hasOpenssl = ['/usr/bin/openssl', '/bin/openssl'].some((p) => existsSync(p));
if (!hasDocker) console.warn(`no Docker daemon at ${socket}: skipping detection and transport tests`);

describe.skipIf(!hasDocker)('detection and transports (dockerd)', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'dev-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('finds the default socket and says how', async () => {
    const engine = await detectEngine({ env: {}, homedir: home });
    expect(engine.info).toMatchObject({
      kind: 'docker',
      endpoint: `unix://${socket}`,
      source: 'default socket',
    });
    expect(Number(engine.info.apiVersion)).toBeGreaterThanOrEqual(1.41);
    expect(engine.info.version).not.toBe('');
    expect((await engine.listContainers({ labels: ['dev.test.none=1'] })).length).toBe(0);
    (engine as unknown as { close(): void }).close();
  });

  it('fails on a DOCKER_HOST socket that is not there, naming it', async () => {
    const error = await detectEngine({
      env: { DOCKER_HOST: `unix://${home}/none.sock` },
      homedir: home,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toBe(
      `no container engine answered; tried DOCKER_HOST (unix://${home}/none.sock): no socket there`,
    );
  });

  it('refuses a port where nothing listens, with a clear connection error', async () => {
    const error = await connectDockerApi({ endpoint: 'tcp://127.0.0.1:1', timeout: 2000 }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineConnectionError);
    expect((error as Error).message).toBe(
      'cannot connect to the engine at tcp://127.0.0.1:1: connection refused',
    );
  });

  describe('over TCP', () => {
    let proxy: SocketProxy;
    beforeAll(async () => {
      proxy = await tcpProxy(socket);
    });
    afterAll(() => proxy.close());

    it('speaks plain HTTP to DOCKER_HOST=tcp://', async () => {
      const engine = await detectEngine({
        env: { DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}` },
        homedir: home,
      });
      expect(engine.info).toMatchObject({ source: 'DOCKER_HOST', endpoint: `tcp://127.0.0.1:${proxy.port}` });
      expect(await engine.inspectImage('dev-example/busybox:latest')).toBeDefined();
      (engine as unknown as { close(): void }).close();
    });
  });

  describe.skipIf(!hasOpenssl)('over TLS with client certificates', () => {
    let proxy: SocketProxy;
    let certs: { dir: string; cleanup(): void };
    beforeAll(async () => {
      certs = makeCertificates();
      proxy = await tlsProxy(socket, certs.dir);
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
      certs?.cleanup();
    });

    it('verifies the server and presents the client certificate (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', async () => {
      const env = {
        DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}`,
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certs.dir,
      };
      const engine = await detectEngine({ env, homedir: home });
      expect(engine.info.endpoint).toBe(`tcp://127.0.0.1:${proxy.port}`);
      expect((await engine.observe('devt-none', [])).containers).toEqual([]);
      (engine as unknown as { close(): void }).close();
    });

    it('fails without the client certificate', async () => {
      const error = await connectDockerApi({
        endpoint: `tcp://127.0.0.1:${proxy.port}`,
        tls: { verify: true, ca: readFileSync(join(certs.dir, 'ca.pem')) },
        timeout: 5000,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(EngineConnectionError);
    });
  });

  describe('over ssh (dial-stdio)', () => {
    const fakeSsh = join(dirname(new URL(import.meta.url).pathname), 'fixtures/fake-ssh.mjs');
    it('runs `ssh … docker system dial-stdio` and speaks HTTP over its stdio, exec and stdin included', async () => {
      const binDir = mkdtempSync(join(tmpdir(), 'dev-ssh-'));
      const log = join(binDir, 'args.log');
      const { symlinkSync } = await import('node:fs');
      symlinkSync(fakeSsh, join(binDir, 'ssh'));
      const env = {
        DOCKER_HOST: 'ssh://tester@fakehost:2200',
        PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
        FAKE_SSH_LOG: log,
      };
      try {
        const engine = await detectEngine({ env, homedir: home });
        expect(engine.info).toMatchObject({
          kind: 'docker',
          endpoint: 'ssh://tester@fakehost:2200',
          source: 'DOCKER_HOST',
        });
        expect(await engine.inspectImage('dev-example/busybox:latest')).toBeDefined();
        const args = readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as string[]);
        expect(args[0]).toEqual([
          '-o',
          'ConnectTimeout=30',
          '-T',
          '-l',
          'tester',
          '-p',
          '2200',
          '--',
          'fakehost',
          'docker',
          'system',
          'dial-stdio',
        ]);
        // A hijacked exec over the ssh pipe, stdin half-closed at its end.
        const id = await engine.createContainer({
          name: `devt-ssh-${process.pid}-${Date.now()}`,
          project: 'devt-ssh',
          service: 'probe',
          config: { command: ['sleep', '60'], init: true },
          image: 'dev-example/busybox:latest',
          labels: { 'dev.test.run': 'ssh' },
          networks: [],
          networkMode: 'none',
          mounts: [],
        });
        try {
          await engine.startContainer(id);
          const stdin = new PassThrough();
          let out = '';
          const stdout = new Writable({
            write(chunk: Buffer, _e, done) {
              out += chunk.toString();
              done();
            },
          });
          const code = engine.exec(id, { command: ['wc', '-c'], stdin, stdout });
          stdin.end('over ssh');
          expect(await code).toBe(0);
          expect(out.trim()).toBe('8');
        } finally {
          await engine.removeContainer(id, { force: true });
          (engine as unknown as { close(): void }).close();
        }
      } finally {
        rmSync(binDir, { recursive: true, force: true });
      }
    });

    it('reports a failing ssh with its last words', async () => {
      const binDir = mkdtempSync(join(tmpdir(), 'dev-ssh-'));
      const { writeFileSync, chmodSync } = await import('node:fs');
      writeFileSync(
        join(binDir, 'ssh'),
        '#!/bin/sh\necho "ssh: Could not resolve hostname nowhere" >&2\nexit 255\n',
      );
      chmodSync(join(binDir, 'ssh'), 0o755);
      try {
        const error = await connectDockerApi({
          endpoint: 'ssh://nowhere',
          env: { PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
          timeout: 5000,
        }).catch((e) => e);
        expect(error).toBeInstanceOf(EngineConnectionError);
        expect((error as Error).message).toBe(
          'cannot connect to the engine at ssh://nowhere: ssh: Could not resolve hostname nowhere',
        );
      } finally {
        rmSync(binDir, { recursive: true, force: true });
      }
    });
  });
});
