/**
 * The docker CLI's current context: DOCKER_CONTEXT, else `currentContext` in config.json; its
 * endpoint is in the context store, `contexts/meta/<sha256 of name>/meta.json`
 * (`Endpoints.docker.Host`), with TLS files under `contexts/tls/<sha256 of name>/docker/`.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DevError } from '../../model/errors.js';
import type { TlsMaterial } from '../docker-api/endpoint.js';

/** A non-default docker context and where it points. */
export interface DockerContext {
  name: string;
  /** How it was selected: `DOCKER_CONTEXT` or `config.json`. */
  via: 'DOCKER_CONTEXT' | 'config.json';
  host: string;
  tls?: TlsMaterial;
}

/** The environment, home directory and a file reader. */
export interface DockerContextOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  /** Reads a file; undefined when it does not exist. */
  readFile: (path: string) => Buffer | undefined;
}

/**
 * The selected context, or undefined when it is `default` (DOCKER_HOST or the default socket
 * then apply). Throws DevError `ENGINE_CONTEXT_INVALID` when the selected context is broken.
 */
export function currentDockerContext(options: DockerContextOptions): DockerContext | undefined {
  const dir = options.env.DOCKER_CONFIG || join(options.homedir, '.docker');
  let name = options.env.DOCKER_CONTEXT;
  let via: DockerContext['via'] = 'DOCKER_CONTEXT';
  if (!name) {
    const config = parseJson(options.readFile(join(dir, 'config.json'))) as
      | { currentContext?: unknown }
      | undefined;
    name = typeof config?.currentContext === 'string' ? config.currentContext : undefined;
    via = 'config.json';
  }
  if (!name || name === 'default') return undefined;
  const id = createHash('sha256').update(name).digest('hex');
  const metaPath = join(dir, 'contexts', 'meta', id, 'meta.json');
  const meta = parseJson(options.readFile(metaPath)) as
    | { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }
    | undefined;
  const docker = meta?.Endpoints?.docker;
  if (!meta || typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new DevError(
      'ENGINE_CONTEXT_INVALID',
      `docker context "${name}" (from ${via}) has no docker endpoint in ${metaPath}`,
      {
        hint: 'run `docker context ls`, or `docker context use default`',
      },
    );
  }
  const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
  const ca = options.readFile(join(tlsDir, 'ca.pem'));
  const cert = options.readFile(join(tlsDir, 'cert.pem'));
  const key = options.readFile(join(tlsDir, 'key.pem'));
  const hasTls = Boolean(ca || cert || key);
  return {
    name,
    via,
    host: docker.Host,
    ...(hasTls
      ? {
          tls: {
            verify: docker.SkipTLSVerify !== true,
            ...(ca ? { ca } : {}),
            ...(cert ? { cert } : {}),
            ...(key ? { key } : {}),
          },
        }
      : {}),
  };
}

function parseJson(data: Buffer | undefined): unknown {
  if (!data) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}
