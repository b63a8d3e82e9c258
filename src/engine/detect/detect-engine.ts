/**
 * Finds the engine to use: tries the candidates (engine-candidates.ts) in order with a short
 * _ping each, stops at the first that answers, and otherwise fails with every attempt and why.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { DevError } from '../../model/errors.js';
import { connectDockerApi } from '../docker-api/connect-docker-api.js';
import { type Engine, EngineUnavailableError } from '../engine.js';
import { type EngineCandidate, engineCandidates } from './engine-candidates.js';

/** File system probes detection uses. */
export interface DetectFs {
  /** Whether a unix socket exists at `path`. */
  isSocket(path: string): boolean;
  /** A file's bytes; undefined when it cannot be read. */
  readFile(path: string): Buffer | undefined;
}

/** Effects come in here (environment, home, file system, probe), with process defaults. */
export interface DetectEngineOptions {
  env?: Record<string, string | undefined>;
  homedir?: string;
  /** `--engine`: `docker`, `podman`, `bundled`, or an endpoint URL. */
  engineFlag?: string;
  /** Tries one candidate: resolves with its engine, or rejects saying why not. Default: _ping, then /version. */
  probe?: (candidate: EngineCandidate) => Promise<Engine>;
  fs?: DetectFs;
  /** Opens (starting it if need be) dev's bundled engine; absent until that engine exists. */
  bundled?: () => Promise<Engine>;
  /** Try `bundled` last when no other engine answers; never after an explicit choice (flag, DEV_ENGINE, DOCKER_HOST, context). */
  bundledFallback?: boolean;
  /**
   * Milliseconds each default probe waits: 2000 for a well-known socket; an explicit choice
   * (DOCKER_HOST, a context, --engine), which may be a remote over ssh, gets 15000.
   */
  timeout?: number;
}

/** The first engine that answers; throws EngineUnavailableError naming every attempt. */
export async function detectEngine(options: DetectEngineOptions = {}): Promise<Engine> {
  const env = options.env ?? process.env;
  const homedir = options.homedir ?? osHomedir();
  const fs = options.fs ?? nodeFs;
  const candidates = engineCandidates({
    env,
    homedir,
    readFile: (path) => fs.readFile(path),
    ...(options.engineFlag ? { engineFlag: options.engineFlag } : {}),
  });
  const probe =
    options.probe ??
    ((c: EngineCandidate) =>
      defaultProbe(c, { env, homedir, timeout: options.timeout ?? (c.final ? 15_000 : 2_000) }));
  const attempts: { source: string; endpoint: string; error: string }[] = [];
  let pinned: EngineCandidate | undefined;
  for (const candidate of candidates) {
    try {
      if (candidate.endpoint === 'bundled') return await openBundled(options);
      const socket = socketPathOf(candidate.endpoint);
      if (socket !== undefined && !candidate.final && !fs.isSocket(socket)) {
        attempts.push({ source: candidate.source, endpoint: candidate.endpoint, error: 'no socket there' });
        continue;
      }
      return await probe(candidate);
    } catch (error) {
      attempts.push({ source: candidate.source, endpoint: candidate.endpoint, error: reasonOf(error) });
      if (candidate.final) {
        pinned = candidate;
        // the bundled engine's own errors (needs root, missing program, did not start) say more
        if (error instanceof DevError && error.code.startsWith('ENGINE_BUNDLED')) throw error;
        break;
      }
    }
  }
  // --engine docker (or podman) that finds none is a failure, not a reason to run elsewhere
  const chosen = Boolean(options.engineFlag?.trim() || env.DEV_ENGINE?.trim());
  if (!pinned && !chosen && options.bundledFallback && options.bundled) {
    try {
      return await options.bundled();
    } catch (error) {
      attempts.push({ source: 'bundled engine', endpoint: 'bundled', error: reasonOf(error) });
    }
  }
  throw new EngineUnavailableError(attempts, {
    hint: pinned
      ? `${pinned.source} chose this engine: start it, or change ${pinned.source.split(' ')[0]}`
      : 'start Docker (or Podman), set DOCKER_HOST, or run dev as root to use its bundled engine (see `dev engine doctor`)',
  });
}

/** Pings a candidate with a short timeout, then negotiates the API version. */
async function defaultProbe(
  candidate: EngineCandidate,
  o: { env: Record<string, string | undefined>; homedir: string; timeout: number },
): Promise<Engine> {
  return connectDockerApi({
    endpoint: candidate.endpoint,
    source: candidate.source,
    timeout: o.timeout,
    ping: true,
    env: o.env,
    homedir: o.homedir,
    ...(candidate.tls ? { tls: candidate.tls } : {}),
    ...(candidate.kind ? { kind: candidate.kind } : {}),
  });
}

async function openBundled(options: DetectEngineOptions): Promise<Engine> {
  if (options.bundled) return options.bundled();
  throw new DevError(
    'ENGINE_BUNDLED_UNAVAILABLE',
    'the bundled engine is not available yet in this version of dev',
    {
      hint: 'use --engine docker or --engine podman, or leave --engine out to find one',
    },
  );
}

function socketPathOf(endpoint: string): string | undefined {
  if (endpoint.startsWith('unix://')) return endpoint.slice('unix://'.length);
  if (endpoint.startsWith('/')) return endpoint;
  return undefined;
}

function reasonOf(error: unknown): string {
  if (error instanceof DevError && 'reason' in error && typeof error.reason === 'string') return error.reason;
  return error instanceof Error ? error.message : String(error);
}

const nodeFs: DetectFs = {
  isSocket(path) {
    try {
      return statSync(path).isSocket();
    } catch {
      return false;
    }
  },
  readFile(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
};
