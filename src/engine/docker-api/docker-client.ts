/**
 * A thin Docker Engine API client over node:http: requests with typed errors, JSON answers,
 * raw response streams, and hijacked connections (exec, attach). Speaks the API version
 * negotiated by `negotiate()`; until then, unversioned paths.
 */
import type http from 'node:http';
import { type Duplex, Readable } from 'node:stream';
import { EngineConnectionError, EngineError } from '../engine.js';
import { connectionError, errorFromStatus, type Operation } from './api-error.js';
import { negotiateApiVersion } from './api-version.js';
import type { DockerEndpoint } from './endpoint.js';
import { createTransport, type Transport, type TransportOptions } from './transport.js';

/** A query parameter value (see DockerRequest.query). */
export type QueryValue = string | number | boolean | undefined | string[] | Record<string, unknown>;

/** One API call. */
export interface DockerRequest extends Operation {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path without the version prefix: `/containers/json`. */
  path: string;
  /** Arrays repeat the key, objects are sent as JSON, booleans as 1/0, undefined is left out. */
  query?: Record<string, QueryValue>;
  /** A plain value is sent as JSON; a Buffer or stream as is (set content-type in headers). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Milliseconds without traffic before giving up. */
  timeout?: number;
  /** false: no `/v1.xx` prefix (for `/_ping` and `/version`). */
  versioned?: boolean;
  /** Statuses besides 2xx that are success (304 for start/stop of a container in that state). */
  accept?: number[];
}

/** A hijacked connection: the engine's output, and (when upgraded) a way to write stdin. */
export interface Hijacked {
  output: Readable;
  /** Present when the connection was upgraded; `end()` half-closes it. */
  input?: Duplex;
  close(): void;
}

/** What `/version` says. */
export interface VersionResponse {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
  Platform?: { Name?: string };
  Components?: { Name?: string; Version?: string }[];
}

/** Transport options, and an API version to speak without negotiating. */
export interface DockerClientOptions extends TransportOptions {
  /** Skip negotiation and speak this version. */
  apiVersion?: string;
}

/** The client of one endpoint. */
export class DockerClient {
  readonly endpoint: DockerEndpoint;
  apiVersion: string | undefined;
  private readonly transport: Transport;

  constructor(endpoint: DockerEndpoint, options: DockerClientOptions = {}) {
    this.endpoint = endpoint;
    this.apiVersion = options.apiVersion;
    this.transport = createTransport(endpoint, options);
  }

  /** GET /_ping, unversioned: resolves with the server's API version header, if any. */
  async ping(timeout?: number): Promise<string | undefined> {
    const res = await this.send({
      path: '/_ping',
      versioned: false,
      operation: 'ping',
      resource: 'engine',
      ...(timeout ? { timeout } : {}),
    });
    res.resume();
    const header = res.headers['api-version'];
    return Array.isArray(header) ? header[0] : header;
  }

  /** GET /version, then speaks min(server, newest known); throws below API 1.41. */
  async negotiate(timeout?: number): Promise<VersionResponse> {
    const version = await this.json<VersionResponse>({
      path: '/version',
      versioned: false,
      operation: 'get version of',
      resource: 'engine',
      ...(timeout ? { timeout } : {}),
    });
    this.apiVersion = negotiateApiVersion(version.ApiVersion, this.endpoint.url);
    return version;
  }

  /** Sends a request; resolves with the response once it has a success status, else rejects typed. */
  send(req: DockerRequest): Promise<http.IncomingMessage> {
    return this.sendOnce(req).catch((error: unknown) => {
      // A kept-alive connection the engine closed while idle fails at once: a GET is safe to redo.
      if (error instanceof StaleConnection) return this.sendOnce(req);
      throw error;
    });
  }

  private sendOnce(req: DockerRequest): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = this.open(req, reject);
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if ((status >= 200 && status < 300) || req.accept?.includes(status)) return resolve(res);
        readText(res).then((body) => reject(errorFromStatus(status, body, req)), reject);
      });
      this.writeBody(request, req.body, reject);
    });
  }

  /** Sends a request and parses the JSON answer. */
  async json<T>(req: DockerRequest): Promise<T> {
    const res = await this.send(req);
    const text = await readText(res);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new EngineError(
        'ENGINE_BAD_RESPONSE',
        req.operation,
        req.resource,
        'the engine sent invalid JSON',
        {
          cause: error,
        },
      );
    }
  }

  /** Sends a request whose answer does not matter beyond its status. */
  async call(req: DockerRequest): Promise<number> {
    const res = await this.send(req);
    await readText(res);
    return res.statusCode ?? 0;
  }

  /** Sends a request asking to take over the connection (`Upgrade: tcp`), as exec start and attach do. */
  hijack(req: DockerRequest): Promise<Hijacked> {
    return new Promise((resolve, reject) => {
      const request = this.open(
        { ...req, headers: { ...req.headers, Connection: 'Upgrade', Upgrade: 'tcp' } },
        reject,
      );
      request.on('upgrade', (_res, socket: Duplex, head: Buffer) => {
        if (head.length > 0) socket.unshift(head);
        resolve({ output: socket, input: socket, close: () => socket.destroy() });
      });
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // Some engines answer 200 and stream on instead of upgrading: output only.
        if (status >= 200 && status < 300) return resolve({ output: res, close: () => res.destroy() });
        readText(res).then((body) => reject(errorFromStatus(status, body, req)), reject);
      });
      this.writeBody(request, req.body, reject);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.transport.close();
  }

  /** The request path with version prefix and query string. */
  url(req: Pick<DockerRequest, 'path' | 'query' | 'versioned'>): string {
    const base = this.endpoint.kind === 'tcp' ? this.endpoint.basePath : '';
    const version = req.versioned !== false && this.apiVersion ? `/v${this.apiVersion}` : '';
    const query = encodeQuery(req.query);
    return `${base}${version}${req.path}${query ? `?${query}` : ''}`;
  }

  private open(req: DockerRequest, reject: (error: unknown) => void): http.ClientRequest {
    const headers: Record<string, string> = { ...req.headers };
    const body = req.body;
    if (body !== undefined && !Buffer.isBuffer(body) && !isStream(body)) {
      headers['Content-Type'] ??= 'application/json';
    }
    const request = this.transport.request({
      ...this.transport.base,
      method: req.method ?? 'GET',
      path: this.url(req),
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof EngineError || error instanceof EngineConnectionError) return reject(error);
      if (error.name === 'AbortError' || req.signal?.aborted) return reject(error);
      const idempotent = (req.method ?? 'GET') === 'GET' && req.body === undefined;
      if (idempotent && request.reusedSocket && error.code === 'ECONNRESET')
        return reject(new StaleConnection());
      reject(connectionError(this.endpoint.url, error));
    });
    if (req.timeout) {
      const ms = req.timeout;
      request.setTimeout(ms, () =>
        request.destroy(new EngineConnectionError(this.endpoint.url, `no answer within ${ms} ms`)),
      );
    }
    return request;
  }

  private writeBody(request: http.ClientRequest, body: unknown, reject: (error: unknown) => void): void {
    if (body === undefined) return void request.end();
    if (Buffer.isBuffer(body)) return void request.end(body);
    if (isStream(body)) {
      body.on('error', (error) => {
        reject(error);
        request.destroy(error);
      });
      body.pipe(request);
      return;
    }
    const json = Buffer.from(JSON.stringify(body));
    request.setHeader('Content-Length', json.length);
    request.end(json);
  }
}

/** A request failed on a reused keep-alive connection before any answer: safe to send again. */
class StaleConnection extends Error {}

/** Reads a whole response as UTF-8. */
export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A query string: arrays repeat the key, objects become JSON, booleans 1/0. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else if (typeof value === 'object') params.append(key, JSON.stringify(value));
    else if (typeof value === 'boolean') params.append(key, value ? '1' : '0');
    else params.append(key, String(value));
  }
  return params.toString();
}

/** A path segment for a container, network or volume id or name. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** An image reference in a path: slashes stay, as the engine's routes expect. */
export function imageSegment(ref: string): string {
  return encodeURIComponent(ref).replaceAll('%2F', '/');
}

/** Node streams and stream-alikes (tar-stream's are streamx streams, not node's Readable). */
function isStream(body: unknown): body is Readable {
  return (
    body instanceof Readable ||
    (typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function')
  );
}
