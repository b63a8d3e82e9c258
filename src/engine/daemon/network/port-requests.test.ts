import { describe, expect, it } from 'vitest';
import type { Protocol } from './network-types.js';
import { resolvePorts } from './port-allocator.js';
import { normalizePortRequests, portRequestsFromBindings, toApiPorts } from './port-requests.js';

describe('port requests', () => {
  it('reads Docker PortBindings, expanding container ranges', () => {
    const requests = portRequestsFromBindings({
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '9000-9001/tcp': null,
    });
    expect(normalizePortRequests(requests, '0.0.0.0')).toEqual([
      { protocol: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPortFrom: 8080, hostPortTo: 8080 },
      { protocol: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPortFrom: 0, hostPortTo: 0 },
      { protocol: 'tcp', containerPort: 9000, hostIp: '0.0.0.0', hostPortFrom: 0, hostPortTo: 0 },
      { protocol: 'tcp', containerPort: 9001, hostIp: '0.0.0.0', hostPortFrom: 0, hostPortTo: 0 },
    ]);
  });

  it('refuses what the engine cannot publish', () => {
    expect(() => normalizePortRequests([{ containerPort: 80, protocol: 'sctp' }], '0.0.0.0')).toThrow(/sctp/);
    expect(() => normalizePortRequests([{ containerPort: 80, hostIp: '::' }], '0.0.0.0')).toThrow(/IPv4/);
    expect(() => normalizePortRequests([{ containerPort: 80, hostPort: '9-8' }], '0.0.0.0')).toThrow(
      /invalid host port/,
    );
  });

  it('shows bindings as NetworkSettings.Ports', () => {
    const ports = toApiPorts(
      [{ protocol: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }],
      ['443'],
    );
    expect(ports).toEqual({ '443/tcp': null, '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  });
});

describe('resolvePorts', () => {
  const busy = new Set(['tcp:8001']);
  let next = 40000;
  const probe = async (protocol: Protocol, _ip: string, port: number) =>
    port === 0 ? next++ : busy.has(`${protocol}:${port}`) ? ('busy' as const) : port;

  it('picks the first free port of a range and an ephemeral port not taken by others', async () => {
    next = 40000;
    const resolved = await resolvePorts({
      requests: normalizePortRequests(
        [
          { containerPort: 80, hostPort: '8000-8003' },
          { containerPort: 81, hostPort: '' },
        ],
        '0.0.0.0',
      ),
      taken: [{ protocol: 'tcp', containerPort: 1, hostIp: '127.0.0.1', hostPort: 8000 }],
      foreign: [{ protocol: 'tcp', hostIp: '0.0.0.0', from: 40000, to: 40000, chain: 'DOCKER' }],
      probe,
    });
    expect(resolved.map((b) => b.hostPort)).toEqual([8002, 40001]);
  });

  it('names who holds a fixed port', async () => {
    const requests = normalizePortRequests(
      [{ containerPort: 80, hostIp: '127.0.0.1', hostPort: 8001 }],
      '0.0.0.0',
    );
    await expect(resolvePorts({ requests, taken: [], foreign: [], probe })).rejects.toThrow(
      'Bind for 127.0.0.1:8001/tcp failed: port is already allocated (in use on the host)',
    );
    const udp = normalizePortRequests([{ containerPort: 80, protocol: 'udp', hostPort: 8001 }], '0.0.0.0');
    await expect(resolvePorts({ requests: udp, taken: [], foreign: [], probe })).resolves.toHaveLength(1);
  });
});
