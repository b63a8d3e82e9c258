/**
 * Published ports as asked (Docker's `PortBindings`, compose `ports:`) checked and put in one
 * shape, and published ports as the API shows them (`NetworkSettings.Ports`). Pure.
 */
import { parseIpv4 } from './ipv4.js';
import { NetworkError } from './network-errors.js';
import type { PortBinding, PortRequest, Protocol } from './network-types.js';

/** One port to publish; `hostPortFrom` 0 asks for an ephemeral port. */
export interface NormalizedPortRequest {
  protocol: Protocol;
  containerPort: number;
  hostIp: string;
  hostPortFrom: number;
  hostPortTo: number;
}

/** Checks and normalises requests; the host IP defaults to `defaultHostIp` (0.0.0.0 unless the network says). */
export function normalizePortRequests(
  requests: PortRequest[],
  defaultHostIp: string,
): NormalizedPortRequest[] {
  return requests.map((request) => {
    const protocol = (request.protocol || 'tcp').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp') {
      throw invalid(`protocol ${protocol} is not supported for published ports`, 'publish tcp or udp ports');
    }
    if (
      !Number.isInteger(request.containerPort) ||
      request.containerPort < 1 ||
      request.containerPort > 65535
    ) {
      throw invalid(`invalid container port ${request.containerPort}`, 'container ports are 1-65535');
    }
    const hostIp = request.hostIp ? request.hostIp : defaultHostIp;
    if (parseIpv4(hostIp) === undefined) {
      throw invalid(
        `host address ${hostIp} is not an IPv4 address`,
        'publish on 0.0.0.0, 127.0.0.1 or an IPv4 address of the host',
      );
    }
    const [from, to] = parseHostPort(request.hostPort);
    return { protocol, containerPort: request.containerPort, hostIp, hostPortFrom: from, hostPortTo: to };
  });
}

/** Docker's `HostConfig.PortBindings` (`{"80/tcp": [{HostIp, HostPort}]}`) as requests; container ranges expanded. */
export function portRequestsFromBindings(
  bindings: Record<string, { HostIp?: string; HostPort?: string }[] | null | undefined>,
): PortRequest[] {
  const requests: PortRequest[] = [];
  for (const [key, hosts] of Object.entries(bindings)) {
    const [portText = '', protocol = 'tcp'] = key.split('/');
    const [from, to] = portText.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from))
      throw invalid(`invalid port ${key}`, 'use <port>/<protocol>');
    const last = to !== undefined && Number.isInteger(to) ? to : from;
    for (let port = from; port <= last; port++) {
      for (const host of hosts && hosts.length > 0 ? hosts : [{}]) {
        requests.push({ containerPort: port, protocol, hostIp: host.HostIp, hostPort: host.HostPort });
      }
    }
  }
  return requests;
}

/** Whether two bindings take the same host port: same protocol and port, and the same or a wildcard address. */
export function bindingsConflict(
  a: { protocol: string; hostIp: string; hostPort: number },
  b: { protocol: string; hostIp: string; hostPort: number },
): boolean {
  return (
    a.protocol === b.protocol &&
    a.hostPort === b.hostPort &&
    (a.hostIp === b.hostIp || a.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0')
  );
}

/** `NetworkSettings.Ports`: `"80/tcp": [{HostIp, HostPort}]`, exposed-only ports as null. */
export function toApiPorts(
  bindings: PortBinding[],
  exposed: string[] = [],
): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of exposed) ports[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const binding of bindings) {
    const key = `${binding.containerPort}/${binding.protocol}`;
    const list = ports[key] ?? [];
    list.push({ HostIp: binding.hostIp, HostPort: String(binding.hostPort) });
    ports[key] = list;
  }
  return ports;
}

function parseHostPort(value: string | number | undefined): [number, number] {
  if (value === undefined || value === '' || value === 0 || value === '0') return [0, 0];
  const text = String(value);
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const from = Number(match?.[1]);
  const to = match?.[2] === undefined ? from : Number(match[2]);
  if (!match || from < 1 || to > 65535 || to < from) {
    throw invalid(
      `invalid host port ${text}`,
      'host ports are 1-65535, a range like 8000-8010, or empty for a free one',
    );
  }
  return [from, to];
}

function invalid(message: string, hint: string): NetworkError {
  return new NetworkError('NETWORK_INVALID', message, { hint });
}
