/**
 * Where a Docker Engine API answers, parsed from the forms DOCKER_HOST and docker contexts use:
 * `unix:///var/run/docker.sock`, `tcp://host:2376`, `http(s)://host:port`, `ssh://user@host:22`,
 * or a bare socket path. Pure.
 */
import { DevError } from '../../model/errors.js';

/** TLS material for a tcp endpoint, already read from disk. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the server's certificate against `ca` (DOCKER_TLS_VERIFY). */
  verify: boolean;
}

/** A parsed endpoint. */
export type DockerEndpoint =
  | { kind: 'unix'; url: string; socketPath: string }
  | { kind: 'tcp'; url: string; host: string; port: number; tls?: TlsMaterial; basePath: string }
  | { kind: 'ssh'; url: string; host: string; user?: string; port?: number; socketPath?: string };

/** Options that change how an endpoint URL is read. */
export interface ParseEndpointOptions {
  /** TLS material: a `tcp://` endpoint then speaks HTTPS (default port 2376). */
  tls?: TlsMaterial;
}

/** Parses an endpoint URL; throws DevError `ENGINE_ENDPOINT_INVALID` when it cannot be used. */
export function parseEndpoint(url: string, options: ParseEndpointOptions = {}): DockerEndpoint {
  const text = url.trim();
  if (text.startsWith('/')) return { kind: 'unix', url: `unix://${text}`, socketPath: text };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw invalid(url, 'a unix socket path must be absolute');
    return { kind: 'unix', url: text, socketPath };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') return parseTcp(text, scheme, options);
  if (scheme === 'ssh') return parseSsh(text);
  if (scheme === 'npipe') throw invalid(url, 'named pipes exist only on Windows');
  throw invalid(url, scheme ? `unsupported scheme ${scheme}://` : 'expected unix://, tcp:// or ssh://');
}

function parseTcp(text: string, scheme: string, options: ParseEndpointOptions): DockerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(text.replace(/^tcp:/i, 'http:'));
  } catch {
    throw invalid(text, 'not a valid URL');
  }
  if (!parsed.hostname) throw invalid(text, 'no host');
  const tls = scheme === 'https' ? (options.tls ?? { verify: true }) : options.tls;
  const port = parsed.port ? Number(parsed.port) : tls ? 2376 : 2375;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const basePath = parsed.pathname.replace(/\/+$/, '');
  return { kind: 'tcp', url: text, host, port, basePath, ...(tls ? { tls } : {}) };
}

function parseSsh(text: string): DockerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalid(text, 'not a valid URL');
  }
  if (!parsed.hostname) throw invalid(text, 'no host');
  if (parsed.password) throw invalid(text, 'a password in the URL is not supported; use an ssh key');
  const socketPath = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : undefined;
  return {
    kind: 'ssh',
    url: text,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    ...(socketPath ? { socketPath } : {}),
  };
}

function invalid(url: string, why: string): DevError {
  return new DevError('ENGINE_ENDPOINT_INVALID', `invalid engine endpoint "${url}": ${why}`, {
    hint: 'use unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host',
  });
}
