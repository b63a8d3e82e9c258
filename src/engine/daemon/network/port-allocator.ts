/**
 * Chooses the host side of published ports before a container starts: a fixed port must be
 * free (no other container of ours, no foreign DNAT rule, no process bound to it), an empty
 * one gets an ephemeral port from the kernel, a range gets its first free port. The probe
 * binds a socket for an instant, so a listening process is found without spawning anything.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { ForeignDnat } from './iptables-save.js';
import { NetworkError, PortInUseError } from './network-errors.js';
import type { PortBinding, Protocol } from './network-types.js';
import { bindingsConflict, type NormalizedPortRequest } from './port-requests.js';

/** Binds `hostIp:port` (0: any) for an instant; resolves with the port, or 'busy'. */
export type PortProbe = (protocol: Protocol, hostIp: string, port: number) => Promise<number | 'busy'>;

export interface ResolvePortsOptions {
  requests: NormalizedPortRequest[];
  /** Ports other containers of this engine publish. */
  taken: PortBinding[];
  /** DNAT rules of others (dockerd, another engine). */
  foreign: ForeignDnat[];
  probe?: PortProbe;
}

/** Resolves every request to one host port, or throws PortInUseError naming the holder. */
export async function resolvePorts(options: ResolvePortsOptions): Promise<PortBinding[]> {
  const probe = options.probe ?? probeHostPort;
  const resolved: PortBinding[] = [];
  const holderOf = (b: Omit<PortBinding, 'containerPort'>): string | undefined => {
    if ([...options.taken, ...resolved].some((t) => bindingsConflict(t, b)))
      return 'published by another container';
    const rule = options.foreign.find(
      (f) =>
        f.protocol === b.protocol &&
        b.hostPort >= f.from &&
        b.hostPort <= f.to &&
        (f.hostIp === b.hostIp || f.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0'),
    );
    return rule ? `forwarded by iptables chain ${rule.chain}` : undefined;
  };

  for (const request of options.requests) {
    const base = { protocol: request.protocol, hostIp: request.hostIp, containerPort: request.containerPort };
    if (request.hostPortFrom === 0) {
      resolved.push({ ...base, hostPort: await ephemeralPort(request, probe, holderOf) });
      continue;
    }
    let lastHolder = '';
    let chosen: number | undefined;
    for (let port = request.hostPortFrom; port <= request.hostPortTo && chosen === undefined; port++) {
      const holder =
        holderOf({ ...base, hostPort: port }) ??
        ((await probe(request.protocol, request.hostIp, port)) === 'busy' ? 'in use on the host' : undefined);
      if (holder === undefined) chosen = port;
      else lastHolder = holder;
    }
    if (chosen === undefined) {
      const hostPort = request.hostPortFrom;
      const range =
        request.hostPortTo > hostPort ? ` (the whole range ${hostPort}-${request.hostPortTo})` : '';
      throw new PortInUseError({ ...base, hostPort }, `${lastHolder}${range}`);
    }
    resolved.push({ ...base, hostPort: chosen });
  }
  return resolved;
}

/** Probes with a real socket: EADDRINUSE means busy; an address not on the host is an error. */
export function probeHostPort(protocol: Protocol, hostIp: string, port: number): Promise<number | 'busy'> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve('busy');
      else if (error.code === 'EADDRNOTAVAIL') {
        reject(
          new NetworkError('NETWORK_INVALID', `host address ${hostIp} is not an address of this host`, {
            hint: 'publish on 0.0.0.0, 127.0.0.1 or an address an interface of the host has',
          }),
        );
      } else reject(error);
    };
    if (protocol === 'udp') {
      const socket = createSocket({ type: 'udp4', reuseAddr: false });
      socket.once('error', (error) => {
        socket.close();
        fail(error);
      });
      socket.bind({ port, address: hostIp, exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
    } else {
      const server = createServer();
      server.once('error', fail);
      server.listen({ port, host: hostIp, exclusive: true }, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        server.close(() => resolve(bound));
      });
    }
  });
}

async function ephemeralPort(
  request: NormalizedPortRequest,
  probe: PortProbe,
  holderOf: (b: Omit<PortBinding, 'containerPort'>) => string | undefined,
): Promise<number> {
  // the kernel hands out free ports from ip_local_port_range; retry the few ours or dockerd's DNAT already hold
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = await probe(request.protocol, request.hostIp, 0);
    if (port === 'busy') continue;
    if (!holderOf({ protocol: request.protocol, hostIp: request.hostIp, hostPort: port })) return port;
  }
  throw new PortInUseError({ ...request, hostPort: 0 }, 'no free ephemeral port found');
}
