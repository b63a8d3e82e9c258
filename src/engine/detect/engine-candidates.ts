/**
 * Where to look for an engine, in order. An explicit choice (`--engine`, DEV_ENGINE,
 * DOCKER_HOST, a docker context) is final: when it does not answer, detection stops there
 * rather than quietly running the project on another engine. Without one, the well-known
 * sockets are tried one after another. Pure, given the environment and a file reader.
 */
import { join } from 'node:path';
import { DevError } from '../../model/errors.js';
import type { TlsMaterial } from '../docker-api/endpoint.js';
import { readTlsMaterial } from '../docker-api/tls-material.js';
import type { EngineInfo } from '../engine.js';
import { currentDockerContext } from './docker-context.js';

/** One place an engine may answer. */
export interface EngineCandidate {
  /** How it was chosen: `--engine`, `DOCKER_HOST`, `docker context "x"`, `default socket`, … */
  source: string;
  /** Endpoint URL; `bundled` for dev's own engine. */
  endpoint: string;
  tls?: TlsMaterial;
  /** The kind expected there, when the place says (Podman's sockets). */
  kind?: EngineInfo['kind'];
  /** An explicit choice: if it fails, nothing else is tried. */
  final?: boolean;
}

/** The environment, home directory, the --engine flag, and a file reader. */
export interface CandidateOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  /** `--engine`: `docker`, `podman`, `bundled`, or an endpoint URL. */
  engineFlag?: string;
  readFile: (path: string) => Buffer | undefined;
}

/** The candidates, in the order to try them. Throws DevError for an unusable flag or context. */
export function engineCandidates(options: CandidateOptions): EngineCandidate[] {
  const { env } = options;
  const flag = options.engineFlag?.trim() || undefined;
  const choice = flag ?? (env.DEV_ENGINE?.trim() || undefined);
  const via = flag ? '--engine' : 'DEV_ENGINE';
  if (choice === undefined) return [...dockerChoice(options), ...knownSockets(options, 'any')];
  if (choice === 'bundled')
    return [{ source: `${via} bundled`, endpoint: 'bundled', kind: 'bundled', final: true }];
  if (choice === 'docker') return [...dockerChoice(options), ...knownSockets(options, 'docker')];
  if (choice === 'podman') {
    const host = env.CONTAINER_HOST;
    if (host)
      return [{ source: `${via} podman, CONTAINER_HOST`, endpoint: host, kind: 'podman', final: true }];
    return knownSockets(options, 'podman');
  }
  if (choice.includes('://') || choice.startsWith('/')) {
    const tls = tlsFor(choice, options);
    return [{ source: via, endpoint: choice, ...(tls ? { tls } : {}), final: true }];
  }
  throw new DevError('ENGINE_FLAG_INVALID', `unknown engine "${choice}" (from ${via})`, {
    hint: 'use docker, podman, bundled, or an endpoint such as unix:///var/run/docker.sock',
  });
}

/** DOCKER_HOST, else a non-default docker context: what the docker CLI would use. */
function dockerChoice(options: CandidateOptions): EngineCandidate[] {
  const host = options.env.DOCKER_HOST;
  if (host) {
    const tls = tlsFor(host, options);
    return [{ source: 'DOCKER_HOST', endpoint: host, ...(tls ? { tls } : {}), final: true }];
  }
  const context = currentDockerContext(options);
  if (!context) return [];
  const source = `docker context "${context.name}"${context.via === 'DOCKER_CONTEXT' ? ' (DOCKER_CONTEXT)' : ''}`;
  return [{ source, endpoint: context.host, ...(context.tls ? { tls: context.tls } : {}), final: true }];
}

/** Well-known sockets: rootful and rootless Docker, Docker Desktop, Podman, Colima. */
function knownSockets(options: CandidateOptions, which: 'any' | 'docker' | 'podman'): EngineCandidate[] {
  const runtime = options.env.XDG_RUNTIME_DIR;
  const home = options.homedir;
  const docker: EngineCandidate[] = [
    { source: 'default socket', endpoint: 'unix:///var/run/docker.sock' },
    ...(runtime
      ? [{ source: 'rootless docker socket', endpoint: `unix://${join(runtime, 'docker.sock')}` }]
      : []),
    { source: 'Docker Desktop socket', endpoint: `unix://${join(home, '.docker/run/docker.sock')}` },
  ];
  const podman: EngineCandidate[] = [
    ...(runtime
      ? [
          {
            source: 'podman socket (rootless)',
            endpoint: `unix://${join(runtime, 'podman/podman.sock')}`,
            kind: 'podman' as const,
          },
        ]
      : []),
    { source: 'podman socket', endpoint: 'unix:///run/podman/podman.sock', kind: 'podman' },
  ];
  const colima: EngineCandidate[] = [
    { source: 'colima socket', endpoint: `unix://${join(home, '.colima/default/docker.sock')}` },
    { source: 'colima socket', endpoint: `unix://${join(home, '.colima/docker.sock')}` },
  ];
  if (which === 'docker') return docker;
  if (which === 'podman') return podman;
  return [...docker, ...podman, ...colima];
}

/** TLS only applies to tcp endpoints, as DOCKER_TLS_VERIFY does for the docker CLI. */
function tlsFor(endpoint: string, options: CandidateOptions): TlsMaterial | undefined {
  if (!/^(tcp|https):\/\//i.test(endpoint)) return undefined;
  return readTlsMaterial({ env: options.env, homedir: options.homedir, readFile: options.readFile });
}
