/**
 * Where a registry answers: `docker.io` is registry-1.docker.io over HTTPS; like Docker,
 * `localhost`, 127.0.0.0/8 and ::1 (and registries configured as insecure) are spoken to over
 * plain HTTP; every other registry over HTTPS.
 */
import { isIP } from 'node:net';
import { DEFAULT_DOMAIN } from '../reference.js';

export interface RegistryEndpoint {
  /** The registry as references name it: `docker.io`, `127.0.0.1:5000`. */
  host: string;
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  baseUrl: string;
  insecure: boolean;
}

export interface EndpointOptions {
  /** Registries to use plain HTTP with: `host[:port]` or IPv4 CIDRs (`10.0.0.0/8`). */
  insecureRegistries?: readonly string[];
}

/** The endpoint for a reference's domain. */
export function registryEndpoint(domain: string, options: EndpointOptions = {}): RegistryEndpoint {
  if (domain === DEFAULT_DOMAIN)
    return { host: domain, baseUrl: 'https://registry-1.docker.io', insecure: false };
  const insecure =
    isLoopback(domain) || (options.insecureRegistries ?? []).some((entry) => matches(entry, domain));
  return { host: domain, baseUrl: `${insecure ? 'http' : 'https'}://${domain}`, insecure };
}

function hostname(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const colon = domain.lastIndexOf(':');
  return colon >= 0 ? domain.slice(0, colon) : domain;
}

function isLoopback(domain: string): boolean {
  const host = hostname(domain);
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function matches(entry: string, domain: string): boolean {
  if (!entry.includes('/')) return entry === domain || entry === hostname(domain);
  const host = hostname(domain);
  if (isIP(host) !== 4) return false;
  const [network = '', bitsText = '32'] = entry.split('/');
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4(host) & mask) >>> 0 === (ipv4(network) & mask) >>> 0;
}

function ipv4(address: string): number {
  return address.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}
