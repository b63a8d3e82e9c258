/**
 * `ports` in long form: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` strings become one
 * entry per container port (`9090-9091:8080-8081` gives two), numbers become `{target}`, and
 * `mode: ingress` / `protocol: tcp` are filled in. Published ports are strings, as compose prints.
 */
import type { ServicePort } from '../model/service.js';
import { addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import { copyExtensions, isRecord, scalarString } from './normalize-values.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Normalises a service's `ports` list. */
export function normalizePorts(value: unknown, ctx: NormalizeContext, path: DocPath): ServicePort[] {
  const out: ServicePort[] = [];
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry, i) => {
    const at = [...path, i];
    if (typeof entry === 'number') {
      out.push({ mode: 'ingress', target: entry, protocol: 'tcp' });
    } else if (typeof entry === 'string') {
      try {
        out.push(...parsePortSpec(entry));
      } catch (error) {
        addIssue(ctx, at, (error as Error).message);
      }
    } else if (isRecord(entry)) {
      const port = longPort(entry, ctx, at);
      if (port) out.push(port);
    } else {
      addIssue(ctx, at, `invalid port ${JSON.stringify(entry)}`);
    }
  });
  return out;
}

/** Parses one short-syntax port; throws Error with a message naming the spec when invalid. */
export function parsePortSpec(spec: string): ServicePort[] {
  const parts = spec.split(':');
  const container = parts[parts.length - 1] as string;
  // With more than three parts the host IP is an unbracketed IPv6 address (`::1:80:80`).
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] as string) : '';
  let hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const slash = container.indexOf('/');
  const containerPort = slash < 0 ? container : container.slice(0, slash);
  const protocol = (slash < 0 ? '' : container.slice(slash + 1)).toLowerCase() || 'tcp';

  if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
  if (hostIp !== '' && !isIpAddress(hostIp))
    throw new Error(`invalid IP address: ${hostIp} in port "${spec}"`);
  if (containerPort === '') throw new Error(`no port specified: ${spec}<empty>`);
  if (!PROTOCOLS.has(protocol)) throw new Error(`invalid proto: ${protocol} in port "${spec}"`);
  const [start, end] = portRange(containerPort, spec);
  const host = hostPort === '' ? undefined : portRange(hostPort, spec);
  if (host && host[1] - host[0] !== end - start && end !== start) {
    throw new Error(
      `invalid ranges specified for container and host ports: ${containerPort} and ${hostPort}`,
    );
  }

  const ports: ServicePort[] = [];
  for (let target = start; target <= end; target++) {
    const port: ServicePort = { mode: 'ingress', target, protocol };
    if (hostIp !== '') port.host_ip = hostIp;
    if (host) {
      const [hostStart, hostEnd] = host;
      // One container port and a host range: the engine picks a free host port in the range.
      port.published =
        start === end && hostStart !== hostEnd
          ? `${hostStart}-${hostEnd}`
          : String(hostStart + target - start);
    }
    ports.push(port);
  }
  return ports;
}

/** `8080` → [8080, 8080]; `8080-8085` → [8080, 8085]. */
function portRange(text: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = m ? Number(m[1]) : Number.NaN;
  const end = m?.[2] === undefined ? start : Number(m[2]);
  if (!(start <= end && end <= 65535)) throw new Error(`invalid port "${text}" in "${spec}"`);
  return [start, end];
}

/** A loose IPv4/IPv6 literal check (the engine validates precisely). */
function isIpAddress(text: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return text.split('.').every((n) => Number(n) <= 255);
  return text.includes(':') && /^[0-9a-fA-F:.]+(%\w+)?$/.test(text);
}

/** Long-syntax port: target as a number, published as a string, defaults filled in. */
function longPort(
  entry: Record<string, unknown>,
  ctx: NormalizeContext,
  path: DocPath,
): ServicePort | undefined {
  const target = Number(scalarString(entry.target));
  if (entry.target === undefined || !Number.isInteger(target)) {
    addIssue(ctx, path, `invalid target port ${JSON.stringify(entry.target)}`);
    return undefined;
  }
  const port: ServicePort = {
    mode: entry.mode === undefined ? 'ingress' : scalarString(entry.mode),
    target,
    protocol: 'tcp',
  };
  if (entry.name !== undefined) port.name = scalarString(entry.name);
  if (entry.host_ip !== undefined) port.host_ip = scalarString(entry.host_ip);
  if (entry.published !== undefined && entry.published !== null && entry.published !== '') {
    port.published = scalarString(entry.published);
  }
  if (entry.protocol !== undefined) port.protocol = scalarString(entry.protocol);
  if (entry.app_protocol !== undefined) port.app_protocol = scalarString(entry.app_protocol);
  copyExtensions(entry, port);
  return port;
}

/** `expose` entries as strings (`8000` → `"8000"`, `"8080-8085/tcp"` kept). */
export function normalizeExpose(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(scalarString);
}
