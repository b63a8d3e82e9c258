/**
 * Registry credentials as the docker CLI keeps them in ~/.docker/config.json (or
 * $DOCKER_CONFIG/config.json): `auths` entries (base64 `user:password`, or an identity token),
 * and credential helpers (`credsStore`, `credHelpers`) run as `docker-credential-<name> get`.
 * Sent to the engine as X-Registry-Auth (one registry) or X-Registry-Config (all, for builds).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_HUB_AUTH_KEY, parseImageRef, registryHostOf } from './image-ref.js';

/** What the engine wants for one registry. */
export interface AuthConfig {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress?: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Where the docker CLI config lives, and how to run credential helpers. */
export interface RegistryAuthOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  /** Reads a text file; undefined when missing. */
  readFile?: (path: string) => string | undefined;
  /** Runs `docker-credential-<helper> get` with `serverUrl` on stdin; resolves with stdout, or undefined. */
  runHelper?: (helper: string, serverUrl: string) => Promise<string | undefined>;
}

/** Credentials for the registry of image `ref`; `{}` when none are stored. */
export async function resolveRegistryAuth(ref: string, options: RegistryAuthOptions): Promise<AuthConfig> {
  const registry = parseImageRef(ref).registry;
  const config = readDockerConfig(options);
  const serverUrl = registry === 'docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
  const helper = helperFor(config, registry);
  if (helper) {
    const fromHelper = await credentialsFromHelper(helper, serverUrl, options);
    if (fromHelper) return fromHelper;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (registryHostOf(key) !== registry) continue;
    return authFromEntry(entry, serverUrl);
  }
  return {};
}

/** The X-Registry-Auth header value for `ref` (base64url JSON, `{}` without credentials). */
export async function registryAuthHeader(ref: string, options: RegistryAuthOptions): Promise<string> {
  return encodeAuthHeader(await resolveRegistryAuth(ref, options));
}

/** The X-Registry-Config header for builds: every `auths` entry stored in the file (helpers are not run). */
export function registryConfigHeader(options: RegistryAuthOptions): string | undefined {
  const config = readDockerConfig(options);
  const out: Record<string, AuthConfig> = {};
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const auth = authFromEntry(entry, key);
    if (auth.username || auth.identitytoken) out[key] = auth;
  }
  return Object.keys(out).length > 0 ? encodeAuthHeader(out) : undefined;
}

/** base64url with padding, as the engine's decoder requires. */
export function encodeAuthHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

function readDockerConfig(options: RegistryAuthOptions): DockerConfigFile {
  const dir = options.env.DOCKER_CONFIG || join(options.homedir, '.docker');
  const text = (options.readFile ?? readOptional)(join(dir, 'config.json'));
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as DockerConfigFile;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function helperFor(config: DockerConfigFile, registry: string): string | undefined {
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (registryHostOf(key) === registry) return helper;
  }
  return config.credsStore || undefined;
}

function authFromEntry(entry: NonNullable<DockerConfigFile['auths']>[string], serverUrl: string): AuthConfig {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: serverUrl };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        serveraddress: serverUrl,
      };
  }
  if (entry.username)
    return { username: entry.username, password: entry.password ?? '', serveraddress: serverUrl };
  return {};
}

async function credentialsFromHelper(
  helper: string,
  serverUrl: string,
  options: RegistryAuthOptions,
): Promise<AuthConfig | undefined> {
  const run = options.runHelper ?? ((h: string, s: string) => runCredentialHelper(h, s, options.env));
  const output = await run(helper, serverUrl);
  if (!output) return undefined;
  try {
    const parsed = JSON.parse(output) as { Username?: string; Secret?: string };
    if (!parsed.Secret) return undefined;
    // The helpers' convention for identity tokens.
    if (parsed.Username === '<token>') return { identitytoken: parsed.Secret, serveraddress: serverUrl };
    return { username: parsed.Username ?? '', password: parsed.Secret, serveraddress: serverUrl };
  } catch {
    return undefined;
  }
}

/** Runs a credential helper (found on `env.PATH`); any failure (not installed, no credentials) means none. */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env?: Record<string, string | undefined>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const options = { timeout: 10_000, ...(env ? { env: env as NodeJS.ProcessEnv } : {}) };
    const child = execFile(`docker-credential-${helper}`, ['get'], options, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(serverUrl);
  });
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
