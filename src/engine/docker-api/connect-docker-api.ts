/**
 * Opens a DockerApiEngine at an endpoint: one GET /version negotiates the API version and
 * tells which engine answers (Docker, Podman, dev's bundled engine).
 */
import type { EngineInfo } from '../engine.js';
import { DockerApiEngine, type DockerApiEngineOptions } from './docker-api-engine.js';
import { DockerClient, type VersionResponse } from './docker-client.js';
import { type DockerEndpoint, parseEndpoint, type TlsMaterial } from './endpoint.js';

/** Where to connect and how; the rest is passed to DockerApiEngine. */
export interface ConnectOptions extends Omit<DockerApiEngineOptions, 'client' | 'info'> {
  /** An endpoint URL (`unix:///var/run/docker.sock`) or a parsed one. */
  endpoint: string | DockerEndpoint;
  /** TLS material for a tcp endpoint. */
  tls?: TlsMaterial;
  /** How the endpoint was chosen, for EngineInfo.source. */
  source?: string;
  /** Overrides the kind read from /version. */
  kind?: EngineInfo['kind'];
  /** Milliseconds to wait for each answer while connecting (default: no limit). */
  timeout?: number;
  /** GET /_ping first: the cheapest sign of life, so a wrong endpoint fails fast. */
  ping?: boolean;
  /** The ssh program for ssh:// endpoints. */
  sshCommand?: string;
}

/** Connects and negotiates; throws EngineConnectionError when nothing answers there. */
export async function connectDockerApi(options: ConnectOptions): Promise<DockerApiEngine> {
  const endpoint =
    typeof options.endpoint === 'string'
      ? parseEndpoint(options.endpoint, options.tls ? { tls: options.tls } : {})
      : options.endpoint;
  const client = new DockerClient(endpoint, {
    ...(options.sshCommand ? { sshCommand: options.sshCommand } : {}),
    ...(options.env ? { env: options.env as NodeJS.ProcessEnv } : {}),
  });
  let version: VersionResponse;
  try {
    if (options.ping) await client.ping(options.timeout);
    version = await client.negotiate(options.timeout);
  } catch (error) {
    client.close();
    throw error;
  }
  const info: EngineInfo = {
    kind: options.kind ?? engineKind(version),
    endpoint: endpoint.url,
    source: options.source ?? 'given endpoint',
    apiVersion: client.apiVersion ?? '',
    version: version.Version ?? '',
    os: version.Os ?? '',
    arch: version.Arch ?? '',
  };
  const {
    endpoint: _e,
    tls: _t,
    source: _s,
    kind: _k,
    timeout: _to,
    ping: _p,
    sshCommand: _ssh,
    ...rest
  } = options;
  return new DockerApiEngine({ ...rest, client, info });
}

/** Which engine a /version answer comes from. */
export function engineKind(version: VersionResponse): EngineInfo['kind'] {
  const platform = version.Platform?.Name ?? '';
  const components = (version.Components ?? []).map((c) => c.Name ?? '');
  if (/podman/i.test(platform) || components.some((c) => /podman/i.test(c))) return 'podman';
  if (/^dev\b/i.test(platform)) return 'bundled';
  if (/docker/i.test(platform) || components.some((c) => c === 'Engine')) return 'docker';
  return 'unknown';
}
