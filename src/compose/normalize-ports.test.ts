import { describe, expect, it } from 'vitest';
import { issuesOf, loadService } from '../../test/helpers/normalize.js';

describe('ports', () => {
  const ports = (spec: string) => loadService(`ports: [${spec}]`).ports;

  it('expands short syntax', () => {
    expect(ports('"8080:80"')).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
    expect(ports('"80"')).toEqual([{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
    expect(ports('3000')).toEqual([{ mode: 'ingress', target: 3000, protocol: 'tcp' }]);
    expect(ports('"127.0.0.1:8080:80/udp"')).toEqual([
      { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' },
    ]);
    expect(ports('"6060:6060/UDP"')?.[0]?.protocol).toBe('udp');
    expect(ports('"127.0.0.1::80"')).toEqual([
      { mode: 'ingress', host_ip: '127.0.0.1', target: 80, protocol: 'tcp' },
    ]);
  });

  it('reads IPv6 host addresses with and without brackets', () => {
    expect(ports('"[::1]:6001:6001"')).toEqual([
      { mode: 'ingress', host_ip: '::1', target: 6001, published: '6001', protocol: 'tcp' },
    ]);
    expect(ports('"::1:6000:6000"')).toEqual([
      { mode: 'ingress', host_ip: '::1', target: 6000, published: '6000', protocol: 'tcp' },
    ]);
  });

  it('gives one entry per port of a range', () => {
    expect(ports('"3000-3002"')?.map((p) => p.target)).toEqual([3000, 3001, 3002]);
    expect(ports('"9090-9091:8080-8081"')).toEqual([
      { mode: 'ingress', target: 8080, published: '9090', protocol: 'tcp' },
      { mode: 'ingress', target: 8081, published: '9091', protocol: 'tcp' },
    ]);
    expect(ports('"127.0.0.1:5000-5001:5000-5001"')?.map((p) => [p.host_ip, p.published, p.target])).toEqual([
      ['127.0.0.1', '5000', 5000],
      ['127.0.0.1', '5001', 5001],
    ]);
  });

  it('keeps a host range for a single container port', () => {
    expect(ports('"8000-9000:80"')).toEqual([
      { mode: 'ingress', target: 80, published: '8000-9000', protocol: 'tcp' },
    ]);
  });

  it('fills defaults in the long syntax and prints published as a string', () => {
    expect(
      ports(
        '{target: 80, published: 8080}, {name: web, target: "443", host_ip: 127.0.0.1, published: "8083-9000", protocol: udp, app_protocol: https, mode: host}',
      ),
    ).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      {
        name: 'web',
        mode: 'host',
        host_ip: '127.0.0.1',
        target: 443,
        published: '8083-9000',
        protocol: 'udp',
        app_protocol: 'https',
      },
    ]);
  });

  it.each(['"abc"', '"8000:80-81"', '"1.2.3:80:80"', '"80/icmp"', '"70000"', '":"'])('rejects %s', (spec) => {
    expect(issuesOf(() => ports(spec))[0]?.pointer).toBe('/services/s/ports/0');
  });
});
