/**
 * Bearer tokens from a registry's token service (distribution token spec): GET the realm
 * with service and scopes (Basic credentials when there are some), or POST an OAuth2
 * refresh-token grant when the credentials are an identity token.
 */
import { RegistryError } from '../errors.js';
import type { RegistryCredentials } from './credentials.js';
import { errorOf, unauthorized } from './registry-errors.js';
import type { AuthChallenge } from './www-authenticate.js';

export interface FetchTokenOptions {
  challenge: AuthChallenge;
  /** `repository:<name>:<actions>` scopes. */
  scopes: readonly string[];
  credentials: RegistryCredentials | undefined;
  /** The registry, for messages. */
  host: string;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** A token for the scopes; RegistryError when the service refuses or is unreachable. */
export async function fetchToken(options: FetchTokenOptions): Promise<string> {
  const realm = options.challenge.params.realm;
  if (!realm) throw unauthorized(options.host, 'bearer challenge without a realm');
  const service = options.challenge.params.service;
  const creds = options.credentials;
  let res: Response;
  try {
    if (creds?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'dev-engine',
        scope: options.scopes.join(' '),
      });
      if (service) form.set('service', service);
      res = await options.fetch(realm, { method: 'POST', body: form, signal: options.signal });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const scope of options.scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (creds?.username) {
        headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
      }
      res = await options.fetch(url, { headers, signal: options.signal });
    }
  } catch (error) {
    throw new RegistryError(
      'REGISTRY_UNREACHABLE',
      `token service ${realm}: ${(error as Error).message}`,
      0,
      {
        hint: 'the registry sends clients to this token service; check that it is reachable',
        cause: error,
      },
    );
  }
  if (!res.ok) throw await errorOf(res, `token from ${realm}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw unauthorized(options.host, 'the token service answered without a token');
  return token;
}
