/**
 * Registry credentials as Docker finds them: the X-Registry-Auth header a client sends with a
 * pull or push (base64url JSON), or the Docker config file (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`): `credHelpers[host]`, else `credsStore`, run as
 * `docker-credential-<name> get` with the server on stdin, else the `auths` entry.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DOMAIN } from '../reference.js';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A refresh token (OAuth2) from `docker login` to an identity provider. */
  identityToken?: string;
  /** A bearer token to send as is. */
  registryToken?: string;
}

/** The key Docker files docker.io credentials under. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** Decodes an X-Registry-Auth value (base64 or base64url JSON); undefined when empty or unusable. */
export function decodeRegistryAuth(header: string | undefined): RegistryCredentials | undefined {
  if (!header) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const text = (key: string) =>
    typeof value[key] === 'string' && value[key] ? (value[key] as string) : undefined;
  const out: RegistryCredentials = {};
  const username = text('username');
  const password = text('password');
  const identityToken = text('identitytoken');
  const registryToken = text('registrytoken');
  if (username) out.username = username;
  if (password) out.password = password;
  if (identityToken) out.identityToken = identityToken;
  if (registryToken) out.registryToken = registryToken;
  if (!username && !password && !identityToken && !registryToken) {
    // The CLI may send an `auth` field ("user:pass" in base64) instead
    const auth = text('auth');
    return auth ? splitAuth(auth) : undefined;
  }
  return out;
}

export interface DockerConfigOptions {
  /** Environment for DOCKER_CONFIG and HOME (default process.env). */
  env?: Record<string, string | undefined>;
  /** Runs `docker-credential-<helper> get` with `input` on stdin; returns its stdout. */
  runHelper?: (helper: string, input: string, env: Record<string, string | undefined>) => Promise<string>;
}

interface DockerConfigFile {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }
  >;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Credentials for a registry host from the Docker config; undefined when none are stored. */
export async function credentialsFromDockerConfig(
  host: string,
  options: DockerConfigOptions = {},
): Promise<RegistryCredentials | undefined> {
  const env = options.env ?? process.env;
  const dir = env.DOCKER_CONFIG ?? (env.HOME ? join(env.HOME, '.docker') : undefined);
  if (!dir) return undefined;
  let config: DockerConfigFile;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const server = host === DEFAULT_DOMAIN ? DOCKER_HUB_AUTH_KEY : host;
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) {
    const fromHelper = await fromCredentialHelper(
      helper,
      server,
      env,
      options.runHelper ?? runCredentialHelper,
    );
    if (fromHelper) return fromHelper;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (hostOf(key) !== hostOf(server)) continue;
    const out: RegistryCredentials = entry.auth ? (splitAuth(entry.auth) ?? {}) : {};
    if (entry.username) out.username = entry.username;
    if (entry.password) out.password = entry.password;
    if (entry.identitytoken) out.identityToken = entry.identitytoken;
    if (entry.registrytoken) out.registryToken = entry.registrytoken;
    if (Object.keys(out).length > 0) return out;
  }
  return undefined;
}

async function fromCredentialHelper(
  helper: string,
  server: string,
  env: Record<string, string | undefined>,
  run: NonNullable<DockerConfigOptions['runHelper']>,
): Promise<RegistryCredentials | undefined> {
  let output: string;
  try {
    output = await run(helper, server, env);
  } catch {
    return undefined; // not found in the store, or the helper is missing: Docker goes on anonymously
  }
  const value = JSON.parse(output) as { Username?: string; Secret?: string };
  if (!value.Secret) return undefined;
  if (value.Username === '<token>') return { identityToken: value.Secret };
  return { username: value.Username ?? '', password: value.Secret };
}

/** Runs `docker-credential-<helper> get`, found on PATH. */
export function runCredentialHelper(
  helper: string,
  input: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { env: env as NodeJS.ProcessEnv });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(text);
      else reject(new Error(text.trim() || `docker-credential-${helper} exited with ${code}`));
    });
    child.stdin.end(input);
  });
}

function splitAuth(auth: string): RegistryCredentials | undefined {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `https://host/v1/` → `host`, as Docker's ConvertToHostname. */
function hostOf(key: string): string {
  let host = key.replace(/^https?:\/\//, '');
  host = host.split('/')[0] ?? host;
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io')
    return 'index.docker.io';
  return host;
}
