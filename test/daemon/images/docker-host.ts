/** The local dockerd, for tests that compare with it; tests skip when it is not there. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';

const SOCKET = '/var/run/docker.sock';

/** True when dockerd answers on the default socket and the docker CLI is installed. */
export const hasDocker: boolean =
  existsSync(SOCKET) && spawnSync('docker', ['version', '--format', '{{.Server.Version}}']).status === 0;

/** GET (or another method) on the Docker API; the parsed JSON answer. */
export function dockerApi<T>(
  path: string,
  method = 'GET',
  body?: Buffer,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: SOCKET, path: `/v1.41${path}`, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // stream or plain text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the docker CLI; returns stdout. */
export function docker(args: string[], input?: Buffer): string {
  return execFileSync('docker', args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Makes sure dev-example/busybox:latest exists in dockerd (scripts/make-test-images.sh). */
export function ensureBusybox(projectRoot: string): void {
  execFileSync('bash', [`${projectRoot}/scripts/make-test-images.sh`], { stdio: 'ignore' });
}
