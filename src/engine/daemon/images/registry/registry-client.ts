/**
 * A client of one repository on a registry (distribution API v2): manifests, blobs and
 * uploads, with authentication done as Docker does: a ping of /v2/ learns the challenge;
 * Basic sends the credentials, Bearer fetches a token for `repository:<name>:<actions>` from
 * the realm (with the credentials as Basic, or the identity token as an OAuth2 refresh token);
 * a 401 later refreshes the token once.
 */
import { RegistryError } from '../errors.js';
import { MediaType } from '../image-types.js';
import type { RegistryCredentials } from './credentials.js';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { errorOf, readLimited, unauthorized } from './registry-errors.js';
import { fetchToken } from './registry-token.js';
import { type AuthChallenge, parseWwwAuthenticate } from './www-authenticate.js';

export interface RegistryClientOptions {
  endpoint: RegistryEndpoint;
  /** Repository path: `library/busybox`. */
  repository: string;
  actions: readonly ('pull' | 'push')[];
  credentials?: RegistryCredentials;
  /** Further token scopes, e.g. `repository:other/repo:pull` for a cross-repository mount. */
  extraScopes?: readonly string[];
  fetch?: typeof fetch;
  userAgent?: string;
  signal?: AbortSignal;
}

export interface FetchedManifest {
  mediaType: string;
  /** The digest the registry gave (Docker-Content-Digest), checked by the caller. */
  digest: string | undefined;
  bytes: Buffer;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | AsyncIterable<Uint8Array>;
  /** Statuses that are not errors (default: 2xx). */
  ok?: readonly number[];
  /** What the request is about, for error messages. */
  what?: string;
}

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
  MediaType.dockerSchema1Signed,
  MediaType.dockerSchema1,
].join(', ');

const MANIFEST_LIMIT = 4 * 1024 * 1024;

/** Talks to one repository; create one per pull or push. */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly repository: string;
  private authorization: string | undefined;
  private challenge: AuthChallenge | undefined;
  private pinged: Promise<void> | undefined;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: RegistryClientOptions) {
    this.endpoint = options.endpoint;
    this.repository = options.repository;
    this.doFetch = options.fetch ?? fetch;
  }

  /** GET /v2/ once, to learn how the registry wants to be authenticated. */
  ping(): Promise<void> {
    this.pinged ??= (async () => {
      const res = await this.send('GET', '/v2/', {});
      await res.body?.cancel();
      if (res.status === 401) await this.authorize(res);
      else if (res.status >= 400 && res.status !== 404)
        throw await errorOf(res, `ping of ${this.endpoint.host}`);
    })();
    return this.pinged;
  }

  /** A request to a path under the repository (`/manifests/latest`) or an absolute URL. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    await this.ping();
    const url = path.startsWith('http') ? path : `/v2/${this.repository}${path}`;
    let res = await this.send(method, url, options);
    const replayable = options.body === undefined || Buffer.isBuffer(options.body);
    if (res.status === 401 && replayable) {
      await this.authorize(res);
      res = await this.send(method, url, options);
    }
    const ok = options.ok ?? [];
    if (res.ok || ok.includes(res.status)) return res;
    throw await errorOf(res, options.what ?? `${method} ${url}`);
  }

  /** A manifest or index by tag or digest. */
  async getManifest(reference: string): Promise<FetchedManifest> {
    const res = await this.request('GET', `/manifests/${reference}`, {
      headers: { Accept: MANIFEST_ACCEPT },
      what: `manifest for ${this.repository}:${reference}`,
    });
    const bytes = await readLimited(res, MANIFEST_LIMIT, 'manifest');
    const declared = res.headers.get('content-type')?.split(';')[0]?.trim();
    let mediaType = declared ?? '';
    try {
      const parsed = JSON.parse(bytes.toString()) as {
        mediaType?: string;
        manifests?: unknown;
        schemaVersion?: number;
      };
      mediaType =
        parsed.mediaType ??
        (parsed.manifests
          ? MediaType.ociIndex
          : parsed.schemaVersion === 1
            ? MediaType.dockerSchema1
            : mediaType);
    } catch {
      // mediaType from the header
    }
    return { mediaType, digest: res.headers.get('docker-content-digest') ?? undefined, bytes };
  }

  /** Puts a manifest under a tag or digest; returns the digest the registry reports. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.request('PUT', `/manifests/${reference}`, {
      headers: { 'Content-Type': mediaType },
      body: bytes,
      what: `manifest ${this.repository}:${reference}`,
    });
    await res.body?.cancel();
    return res.headers.get('docker-content-digest') ?? undefined;
  }

  /** Size of a blob in this repository, or undefined when it is not there. */
  async headBlob(digest: string): Promise<number | undefined> {
    const res = await this.request('HEAD', `/blobs/${digest}`, { ok: [404], what: `blob ${digest}` });
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    return Number(res.headers.get('content-length') ?? 0);
  }

  /** A blob from `offset` on (Range request); 206 when resumed, 200 from the start. */
  fetchBlob(digest: string, offset = 0): Promise<Response> {
    const headers: Record<string, string> = {};
    if (offset > 0) headers.Range = `bytes=${offset}-`;
    return this.request('GET', `/blobs/${digest}`, { headers, what: `blob ${digest}` });
  }

  /** Starts an upload, or mounts `digest` from another repository; undefined location = mounted. */
  async startUpload(mount?: { digest: string; from: string }): Promise<string | undefined> {
    const query = mount
      ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`
      : '';
    const res = await this.request('POST', `/blobs/uploads/${query}`, {
      body: Buffer.alloc(0),
      what: 'blob upload',
    });
    await res.body?.cancel();
    if (res.status === 201 && mount) return undefined;
    return this.location(res);
  }

  /** Sends upload data (a whole stream, or one chunk at `start` with Content-Range); returns the next location. */
  async patchUpload(
    location: string,
    body: Buffer | AsyncIterable<Uint8Array>,
    start?: number,
  ): Promise<string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (Buffer.isBuffer(body) && start !== undefined) {
      headers['Content-Range'] = `${start}-${start + body.length - 1}`;
      headers['Content-Length'] = String(body.length);
    }
    const res = await this.request('PATCH', location, { headers, body, what: 'blob upload' });
    await res.body?.cancel();
    return this.location(res);
  }

  /** Completes an upload with the blob's digest (and the last bytes, for a monolithic upload). */
  async completeUpload(location: string, digest: string, body: Buffer = Buffer.alloc(0)): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.request('PUT', url.toString(), {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) },
      body,
      what: `blob ${digest}`,
    });
    await res.body?.cancel();
  }

  private location(res: Response): string {
    const location = res.headers.get('location');
    if (!location) throw new RegistryError('REGISTRY_ERROR', 'registry gave no upload location', res.status);
    return new URL(location, this.endpoint.baseUrl).toString();
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.endpoint.baseUrl}${path}`;
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent ?? 'dev-engine',
      ...options.headers,
    };
    if (this.authorization && sameOrigin(url, this.endpoint.baseUrl))
      headers.Authorization = this.authorization;
    const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: this.options.signal };
    if (options.body !== undefined) {
      init.body = options.body as RequestInit['body'];
      if (!Buffer.isBuffer(options.body)) init.duplex = 'half';
    }
    try {
      return await this.doFetch(url, init);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      const cause = (error as { cause?: { message?: string; code?: string } }).cause;
      throw new RegistryError(
        'REGISTRY_UNREACHABLE',
        `${method} ${url}: ${cause?.message ?? (error as Error).message}`,
        0,
        {
          hint: `check that ${this.endpoint.host} is reachable (and speaks ${new URL(url).protocol.slice(0, -1)})`,
          cause: error,
        },
      );
    }
  }

  private async authorize(res: Response): Promise<void> {
    const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
    await res.body?.cancel();
    const challenge =
      challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    this.challenge = challenge ?? this.challenge;
    const creds = this.options.credentials;
    if (!this.challenge) throw unauthorized(this.endpoint.host, 'no supported authentication challenge');
    if (this.challenge.scheme === 'basic') {
      if (!creds?.username) throw unauthorized(this.endpoint.host, 'authentication required');
      this.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
      return;
    }
    if (creds?.registryToken) {
      this.authorization = `Bearer ${creds.registryToken}`;
      return;
    }
    this.authorization = `Bearer ${await fetchToken({
      challenge: this.challenge,
      scopes: [
        `repository:${this.repository}:${this.options.actions.join(',')}`,
        ...(this.options.extraScopes ?? []),
      ],
      credentials: creds,
      host: this.endpoint.host,
      fetch: this.doFetch,
      signal: this.options.signal,
    })}`;
  }
}

function sameOrigin(url: string, base: string): boolean {
  return new URL(url).origin === new URL(base).origin;
}
