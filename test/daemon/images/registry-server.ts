/**
 * A real registry for tests: Debian's docker-registry (distribution 2.x) started on
 * 127.0.0.1:<free port> with a temp config and storage, optionally behind htpasswd or token
 * auth (with a small token server here that signs JWTs as the distribution token spec says).
 * Stopped by PID.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const hasRegistry = spawnSync('docker-registry', ['--version']).status === 0;
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-W', 'ignore', '-c', 'import crypt']).status === 0,
);
export const canHtpasswd = python !== undefined;

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; user: string; password: string }
  | { kind: 'token'; user: string; password: string };

export interface RunningRegistry {
  host: string;
  port: number;
  /** The token server's log of requests (`scope` values), for token auth. */
  tokenRequests: string[];
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a registry in `dir`; resolves once /v2/ answers. */
export async function startRegistry(
  dir: string,
  auth: RegistryAuth = { kind: 'none' },
): Promise<RunningRegistry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const tokenRequests: string[] = [];
  let tokenServer: Server | undefined;
  let authConfig = '';
  if (auth.kind === 'htpasswd') {
    // cost 4 (16 rounds): the registry checks the hash on every request
    const hash = execFileSync(python!, [
      '-W',
      'ignore',
      '-c',
      'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))',
      auth.password,
    ])
      .toString()
      .trim();
    writeFileSync(join(dir, 'htpasswd'), `${auth.user}:${hash}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth.kind === 'token') {
    const token = await startTokenServer(dir, auth, tokenRequests);
    tokenServer = token.server;
    authConfig = `auth:\n  token:\n    realm: http://127.0.0.1:${token.port}/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: ${token.certPath}\n`;
  }
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'storage')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${authConfig}`;
  writeFileSync(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v2/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    tokenRequests,
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      await exited;
      await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
    },
  };
}

/** A token server: checks Basic credentials, grants what the scope asks for, signs RS256 JWTs with an x5c chain. */
async function startTokenServer(
  dir: string,
  auth: { user: string; password: string },
  log: string[],
): Promise<{ server: Server; port: number; certPath: string }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=test-token',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyPath);
  const der = new X509Certificate(readFileSync(certPath)).raw.toString('base64');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let scopes = url.searchParams.getAll('scope');
    let service = url.searchParams.get('service');
    const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    let authorized = req.headers.authorization === expected;
    let refused = req.headers.authorization !== undefined && !authorized;
    if (req.method === 'POST') {
      // OAuth2 refresh-token grant: the identity token of `bob` is `refresh-bob`
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      service = form.get('service');
      authorized =
        form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === `refresh-${auth.user}`;
      refused = !authorized;
    }
    log.push(...scopes);
    if (refused) {
      res.writeHead(401).end('{"details":"bad credentials"}');
      return;
    }
    const access = scopes.map((scope) => {
      const [type, name, actions = ''] = scope.split(':');
      return { type, name, actions: authorized ? actions.split(',') : [] };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ typ: 'JWT', alg: 'RS256', x5c: [der] });
    const claims = b64({
      iss: 'test-issuer',
      sub: authorized ? auth.user : '',
      aud: service,
      exp: now + 600,
      nbf: now - 60,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key).toString('base64url');
    const token = `${header}.${claims}.${signature}`;
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ token, expires_in: 600 }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, certPath };
}
