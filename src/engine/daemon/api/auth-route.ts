/**
 * POST /auth (`docker login` through the engine): checks the credentials against the
 * registry the way dockerd does: GET /v2/, then Basic credentials or a token without scopes
 * from the challenge's realm. Nothing is stored; the client keeps the credentials.
 */
import type { RegistryCredentials } from '../images/registry/credentials.js';
import { registryEndpoint } from '../images/registry/registry-endpoint.js';
import { unauthorized } from '../images/registry/registry-errors.js';
import { fetchToken } from '../images/registry/registry-token.js';
import { parseWwwAuthenticate } from '../images/registry/www-authenticate.js';
import { ApiError } from './api-error.js';
import { readJson, sendJson } from './http-io.js';
import type { Router } from './router.js';

interface AuthBody {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

/** Registers POST /auth; `fetchImpl` for tests. */
export function registerAuthRoute(router: Router, fetchImpl: typeof fetch = fetch): void {
  router.on('POST', '/auth', async ({ req, res }) => {
    const body = await readJson<AuthBody>(req);
    const host = registryHost(body.serveraddress ?? '');
    const credentials: RegistryCredentials = {
      ...(body.username ? { username: body.username } : {}),
      ...(body.password ? { password: body.password } : {}),
      ...(body.identitytoken ? { identityToken: body.identitytoken } : {}),
    };
    const endpoint = registryEndpoint(host);
    const url = `${endpoint.baseUrl}/v2/`;
    let first: Response;
    try {
      first = await fetchImpl(url);
    } catch (error) {
      throw new ApiError(500, `cannot reach ${host}: ${(error as Error).message}`);
    }
    await first.body?.cancel();
    if (first.status === 401) {
      const challenges = parseWwwAuthenticate(first.headers.get('www-authenticate') ?? '');
      const bearer = challenges.find((c) => c.scheme === 'bearer');
      if (bearer) {
        await fetchToken({ challenge: bearer, scopes: [], credentials, host, fetch: fetchImpl });
      } else {
        const basic = `Basic ${Buffer.from(`${body.username ?? ''}:${body.password ?? ''}`).toString('base64')}`;
        const again = await fetchImpl(url, { headers: { Authorization: basic } });
        await again.body?.cancel();
        if (again.status === 401) throw unauthorized(host, 'incorrect username or password');
      }
    } else if (first.status >= 400 && first.status !== 404) {
      throw new ApiError(500, `${host} answered ${first.status} to ${url}`);
    }
    sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });
}

/** `https://index.docker.io/v1/` → `docker.io`; `localhost:5000` stays. */
export function registryHost(serverAddress: string): string {
  const host = serverAddress
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return !host || host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}
