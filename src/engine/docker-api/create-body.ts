/**
 * The body of POST /containers/create for a ContainerSpec, as Docker Compose v2 builds it:
 * container config, HostConfig, and the first network's endpoint (API 1.41 takes one network at
 * create; the others are connected before start). Pure but for `readFile`.
 */
import type { ContainerNetworkAttachment, ContainerSpec } from '../engine.js';
import { apiAtLeast } from './api-version.js';
import { createHostConfig, type HostConfigOptions, networkModeOf } from './create-host-config.js';
import { requireApi } from './create-mounts.js';
import { durationToNanoseconds, durationToSeconds } from './go-duration.js';

/** What to send, and what to do after. */
export interface CreateBody {
  body: Record<string, unknown>;
  /** Networks to connect after create, in priority order. */
  laterNetworks: ContainerNetworkAttachment[];
}

/** Maps a spec to the create body. Throws EngineError `ENGINE_UNSUPPORTED` for options the API lacks. */
export function createContainerBody(spec: ContainerSpec, options: HostConfigOptions): CreateBody {
  const s = spec.config;
  const o = spec.overrides ?? {};
  const body: Record<string, unknown> = { Image: spec.image };
  set(body, 'Hostname', s.hostname);
  set(body, 'Domainname', s.domainname);
  set(body, 'User', o.user ?? s.user);
  body.AttachStdout = true;
  body.AttachStderr = true;
  const stdinOpen = o.stdinOpen ?? s.stdin_open ?? false;
  if (o.stdinOpen) {
    body.AttachStdin = true;
    body.StdinOnce = true;
  }
  if (o.tty ?? s.tty) body.Tty = true;
  if (stdinOpen) body.OpenStdin = true;
  const ports = exposedPorts(spec);
  if (Object.keys(ports).length > 0) body.ExposedPorts = ports;
  body.Env = environment(spec);
  // `dev run --entrypoint x` drops the service's command unless one is given too, as Compose does.
  const command = o.command ?? (o.entrypoint ? [] : s.command);
  if (command !== undefined) body.Cmd = command;
  const entrypoint = o.entrypoint ?? s.entrypoint;
  if (entrypoint !== undefined) body.Entrypoint = entrypoint;
  const health = healthcheck(spec, options.apiVersion);
  if (health) body.Healthcheck = health;
  set(body, 'WorkingDir', o.workingDir ?? s.working_dir);
  if (s.network_mode === 'disabled') body.NetworkDisabled = true;
  body.Labels = spec.labels;
  set(body, 'StopSignal', s.stop_signal);
  if (s.stop_grace_period !== undefined) body.StopTimeout = durationToSeconds(s.stop_grace_period);

  const mode = networkModeOf(spec);
  const first = spec.networks[0];
  const onNetworks = first !== undefined && first.name === mode;
  const mac = s.mac_address ?? first?.macAddress;
  // Before API 1.44 the MAC address is container-wide; after, per endpoint.
  if (mac && !apiAtLeast(options.apiVersion, '1.44')) body.MacAddress = mac;
  body.HostConfig = createHostConfig(spec, options);
  if (onNetworks) {
    const endpoint = endpointSettings(first, spec, options.apiVersion);
    if (mac && apiAtLeast(options.apiVersion, '1.44') && !first.macAddress) endpoint.MacAddress = mac;
    body.NetworkingConfig = { EndpointsConfig: { [first.name]: endpoint } };
  }
  return { body, laterNetworks: onNetworks ? spec.networks.slice(1) : [] };
}

/** EndpointSettings of one attachment (for create and for network connect). */
export function endpointSettings(
  a: ContainerNetworkAttachment,
  spec: Pick<ContainerSpec, 'links'>,
  apiVersion: string,
): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  if (a.aliases?.length) e.Aliases = a.aliases;
  if (spec.links?.length) e.Links = spec.links;
  const ipam: Record<string, unknown> = {};
  set(ipam, 'IPv4Address', a.ipv4Address);
  set(ipam, 'IPv6Address', a.ipv6Address);
  if (a.linkLocalIps?.length) ipam.LinkLocalIPs = a.linkLocalIps;
  if (Object.keys(ipam).length > 0) e.IPAMConfig = ipam;
  if (a.macAddress && apiAtLeast(apiVersion, '1.44')) e.MacAddress = a.macAddress;
  if (a.driverOpts && Object.keys(a.driverOpts).length > 0) e.DriverOpts = a.driverOpts;
  return e;
}

/** `port/proto` keys for published ports (unless not published) and `expose` entries, ranges expanded. */
function exposedPorts(spec: ContainerSpec): Record<string, Record<string, never>> {
  const out: Record<string, Record<string, never>> = {};
  if (spec.overrides?.publishPorts !== false) {
    for (const p of spec.config.ports ?? []) out[`${p.target}/${p.protocol || 'tcp'}`] = {};
  }
  for (const entry of spec.config.expose ?? []) {
    const [range = '', protocol = 'tcp'] = entry.split('/');
    const [low, high] = range.split('-').map(Number);
    if (low === undefined || Number.isNaN(low)) continue;
    const end = high !== undefined && !Number.isNaN(high) ? high : low;
    for (let port = low; port <= end && port - low < 65536; port++) out[`${port}/${protocol}`] = {};
  }
  return out;
}

/** `KEY=value` entries, sorted; variables without a value are left out. */
function environment(spec: ContainerSpec): string[] {
  const merged: Record<string, string | null> = {
    ...spec.config.environment,
    ...spec.overrides?.environment,
  };
  return Object.keys(merged)
    .sort()
    .flatMap((key) => {
      const value = merged[key];
      return value === null || value === undefined ? [] : [`${key}=${value}`];
    });
}

/** Durations in nanoseconds; `disable: true` is `["NONE"]`. */
function healthcheck(spec: ContainerSpec, apiVersion: string): Record<string, unknown> | undefined {
  const h = spec.config.healthcheck;
  if (!h) return undefined;
  const out: Record<string, unknown> = {};
  const test = h.disable ? ['NONE'] : h.test;
  if (test) out.Test = test;
  if (h.interval !== undefined) out.Interval = durationToNanoseconds(h.interval);
  if (h.timeout !== undefined) out.Timeout = durationToNanoseconds(h.timeout);
  if (h.start_period !== undefined) out.StartPeriod = durationToNanoseconds(h.start_period);
  if (h.start_interval !== undefined) {
    requireApi(apiVersion, '1.44', 'healthcheck.start_interval', spec.name);
    out.StartInterval = durationToNanoseconds(h.start_interval);
  }
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') target[key] = value;
}
