/**
 * Routes of the Engine API: `GET /containers/{id}/json` and the like, matched with or without a
 * `/v1.xx` version prefix (the version is given to the handler). Path parameters are decoded;
 * `{name*}` takes the rest of the path (image names hold slashes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RouteContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The API version the client asked for (`1.41`), or the daemon's when it named none. */
  version: string;
}

/** A plain request: answer on `res`. */
export type Handler = (ctx: RouteContext & { res: ServerResponse }) => Promise<void>;

/** A hijacked connection (attach, exec start): raw bytes both ways once answered. */
export interface HijackedConnection {
  /** Bytes from the client (stdin), after the response head. */
  input: NodeJS.ReadableStream;
  write(chunk: Buffer | string): boolean;
  end(): void;
  /** Resolves when the client closes its side or the connection drops. */
  closed: Promise<void>;
}

export type HijackHandler = (
  ctx: RouteContext & { open: (contentType?: string) => HijackedConnection },
) => Promise<void>;

interface Route {
  method: string;
  parts: string[];
  handler?: Handler;
  hijack?: HijackHandler;
}

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

export class Router {
  private readonly routes: Route[] = [];

  constructor(readonly defaultVersion: string) {}

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: split(pattern), handler });
    return this;
  }

  /** A route whose answer hijacks the connection (also reachable without an Upgrade header). */
  hijack(method: string, pattern: string, handler: HijackHandler): this {
    this.routes.push({ method, parts: split(pattern), hijack: handler });
    return this;
  }

  /** The route for a request: its handler, parameters and version; undefined when none matches. */
  match(
    method: string,
    url: string,
  ): { route: Route; params: Record<string, string>; query: URLSearchParams; version: string } | undefined {
    const parsed = new URL(url, 'http://engine');
    let path = parsed.pathname;
    let version = this.defaultVersion;
    const v = VERSION_PREFIX.exec(path);
    if (v?.[1] && v[2]) {
      version = v[1];
      path = v[2];
    }
    const parts = split(path);
    for (const route of this.routes) {
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params = matchParts(route.parts, parts);
      if (params) return { route, params, query: parsed.searchParams, version };
    }
    return undefined;
  }
}

export type { Duplex, Route };

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    if (p.startsWith('{') && p.endsWith('*}')) {
      // The greedy parameter takes all but the fixed parts after it.
      const rest = pattern.length - i - 1;
      const taken = parts.slice(i, parts.length - rest);
      if (taken.length === 0) return undefined;
      params[p.slice(1, -2)] = taken.map(decodeURIComponent).join('/');
      const tail = matchParts(pattern.slice(i + 1), parts.slice(parts.length - rest));
      return tail ? { ...params, ...tail } : undefined;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = decodeURIComponent(part);
    else if (p !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}
