/**
 * How bytes reach an endpoint: a keep-alive HTTP agent over a unix socket, TCP, TLS, or an
 * `ssh … docker system dial-stdio` process per connection.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { DockerEndpoint } from './endpoint.js';
import { type StdioCommand, StdioSocket } from './stdio-socket.js';

/** The HTTP plumbing of one endpoint. */
export interface Transport {
  /** `http.request` or `https.request`. */
  request: typeof http.request;
  /** Options every request starts from (agent, socket path or host and port). */
  base: http.RequestOptions;
  /** Closes idle connections (and their ssh processes). */
  close(): void;
}

/** How to reach ssh endpoints. */
export interface TransportOptions {
  /** The ssh program (default `ssh`), for tests and unusual installs. */
  sshCommand?: string;
  env?: NodeJS.ProcessEnv;
}

/** Builds the transport of an endpoint; no connection is made until the first request. */
export function createTransport(endpoint: DockerEndpoint, options: TransportOptions = {}): Transport {
  if (endpoint.kind === 'unix') {
    const agent = new http.Agent({ keepAlive: true });
    return {
      request: http.request,
      base: { agent, socketPath: endpoint.socketPath, host: 'localhost' },
      close: () => agent.destroy(),
    };
  }
  if (endpoint.kind === 'tcp') {
    if (endpoint.tls) {
      const { ca, cert, key, verify } = endpoint.tls;
      const agent = new https.Agent({
        keepAlive: true,
        rejectUnauthorized: verify,
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
      });
      return {
        request: https.request as unknown as typeof http.request,
        base: { agent, host: endpoint.host, port: endpoint.port },
        close: () => agent.destroy(),
      };
    }
    const agent = new http.Agent({ keepAlive: true });
    return {
      request: http.request,
      base: { agent, host: endpoint.host, port: endpoint.port },
      close: () => agent.destroy(),
    };
  }
  const command = sshDialCommand(endpoint, options.sshCommand ?? 'ssh', options.env);
  const agent = new http.Agent({ keepAlive: true });
  // node's Agent calls createConnection for each new socket; any socket-like Duplex will do.
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () =>
    new StdioSocket(command, endpoint.url);
  return { request: http.request, base: { agent, host: 'localhost' }, close: () => agent.destroy() };
}

/** The ssh command line the docker CLI uses to reach a remote engine's API over stdio. */
export function sshDialCommand(
  endpoint: Extract<DockerEndpoint, { kind: 'ssh' }>,
  ssh = 'ssh',
  env?: NodeJS.ProcessEnv,
): StdioCommand {
  const args = ['-o', 'ConnectTimeout=30', '-T'];
  if (endpoint.user) args.push('-l', endpoint.user);
  if (endpoint.port) args.push('-p', String(endpoint.port));
  args.push('--', endpoint.host, 'docker');
  if (endpoint.socketPath) args.push(`--host=unix://${endpoint.socketPath}`);
  args.push('system', 'dial-stdio');
  return { command: ssh, args, ...(env ? { env } : {}) };
}
