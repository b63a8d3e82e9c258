/** Loopback TCP and TLS front-ends for the local Docker socket, to test those transports for real. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

export interface SocketProxy {
  port: number;
  close(): Promise<void>;
}

/** Forwards each loopback connection to `socketPath`. */
export function tcpProxy(socketPath: string): Promise<SocketProxy> {
  return listen(createServer((client) => pipeTo(client, socketPath)));
}

/** Certificates for a TLS test: a CA, a server certificate for 127.0.0.1, a client certificate. */
export function makeCertificates(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dev-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=dev test CA',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    const key = who === 'client' ? 'key.pem' : 'server-key.pem';
    const cert = who === 'client' ? 'cert.pem' : 'server-cert.pem';
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '1',
      '-extfile',
      `${who}.ext`,
    );
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TLS front-end requiring a client certificate signed by the test CA. */
export function tlsProxy(socketPath: string, certDir: string): Promise<SocketProxy> {
  const read = (name: string) => readFileSync(join(certDir, name));
  const server = createTlsServer(
    {
      key: read('server-key.pem'),
      cert: read('server-cert.pem'),
      ca: read('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => pipeTo(client, socketPath),
  );
  return listen(server as unknown as Server);
}

function pipeTo(client: Socket, socketPath: string): void {
  const upstream = connect(socketPath);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
}

function listen(server: Server): Promise<SocketProxy> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
