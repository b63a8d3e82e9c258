/** Engine answers about containers, networks and volumes as dev's model. Pure. */
import { decodeConfigDigests } from '../../model/config-digest.js';
import { Labels } from '../../model/labels.js';
import type {
  ContainerState,
  HealthState,
  ObservedContainer,
  ObservedNetwork,
  ObservedVolume,
} from '../../model/observed.js';
import type { ContainerDetails } from '../engine.js';
import { familiarName } from './image-ref.js';

/** An entry of GET /containers/json. */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  Created?: number;
  Command?: string;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type?: string }[] | null;
}

/** The parts of GET /containers/{id}/json dev reads. */
export interface ContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    Dead?: boolean;
    Pid?: number;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; Log?: { ExitCode?: number; Output?: string; End?: string }[] | null };
  };
  Config?: { Image?: string; Labels?: Record<string, string> | null; StopSignal?: string; Tty?: boolean };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; Aliases?: string[] | null }> | null;
  };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean }[];
}

const STATES = new Set<ContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/** A list entry as an ObservedContainer: health and exit code are read from the status text. */
export function containerFromSummary(c: ContainerSummary): ObservedContainer {
  const labels = c.Labels ?? {};
  const state = stateOf(c.State);
  const status = c.Status ?? '';
  const exit = /^Exited \((-?\d+)\)/.exec(status);
  const health = healthFromStatus(status);
  return {
    ...fromLabels(labels),
    id: c.Id,
    name: (c.Names?.[0] ?? '').replace(/^\//, ''),
    state,
    ...(health ? { health } : {}),
    ...(exit ? { exitCode: Number(exit[1]) } : {}),
    imageId: c.ImageID ?? '',
    image: familiarName(c.Image ?? ''),
    labels,
    created: c.Created ?? 0,
    ...(c.Status ? { status: c.Status } : {}),
    ...(c.Command !== undefined ? { command: c.Command } : {}),
    ...(c.Ports
      ? {
          ports: c.Ports.map((p) => ({
            privatePort: p.PrivatePort,
            ...(p.PublicPort ? { publicPort: p.PublicPort } : {}),
            ...(p.IP ? { ip: p.IP } : {}),
            type: p.Type ?? 'tcp',
          })),
        }
      : {}),
  };
}

/** An inspect answer as ContainerDetails. */
export function containerFromInspect(c: ContainerInspect): ContainerDetails {
  const labels = c.Config?.Labels ?? {};
  const s = c.State ?? {};
  const health = healthOf(s.Health?.Status);
  const ports: ContainerDetails['ports'] = {};
  for (const [port, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    ports[port] = (bindings ?? []).map((b) => ({ hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' }));
  }
  const networks: ContainerDetails['networks'] = {};
  for (const [name, n] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    networks[name] = { ipAddress: n.IPAddress ?? '', aliases: n.Aliases ?? [] };
  }
  const running = s.Running || s.Paused || s.Restarting;
  const created = c.Created ? Math.floor(Date.parse(c.Created) / 1000) : 0;
  return {
    ...fromLabels(labels),
    id: c.Id,
    name: (c.Name ?? '').replace(/^\//, ''),
    state: stateOf(s.Status),
    ...(health ? { health } : {}),
    ...(s.ExitCode !== undefined && !running ? { exitCode: s.ExitCode } : {}),
    imageId: c.Image ?? '',
    image: familiarName(c.Config?.Image ?? ''),
    labels,
    created: Number.isNaN(created) ? 0 : created,
    ...(isSet(s.StartedAt) ? { startedAt: s.StartedAt } : {}),
    ...(isSet(s.FinishedAt) ? { finishedAt: s.FinishedAt } : {}),
    ...(s.Health?.Log
      ? {
          healthLog: s.Health.Log.map((l) => ({
            exitCode: l.ExitCode ?? -1,
            output: l.Output ?? '',
            end: l.End ?? '',
          })),
        }
      : {}),
    restartCount: c.RestartCount ?? 0,
    ports,
    networks,
    ...(running && s.Pid ? { pid: s.Pid } : {}),
    ...(c.Config?.StopSignal ? { stopSignal: c.Config.StopSignal } : {}),
    oomKilled: s.OOMKilled ?? false,
  };
}

/** An entry of GET /networks. */
export function networkFromSummary(n: {
  Id?: string;
  ID?: string;
  Name: string;
  Driver?: string;
  Labels?: Record<string, string> | null;
}): ObservedNetwork {
  const labels = n.Labels ?? {};
  const key = labels[Labels.network];
  return { id: n.Id ?? n.ID ?? '', name: n.Name, ...(key ? { key } : {}), labels, driver: n.Driver ?? '' };
}

/** An entry of GET /volumes. */
export function volumeFromSummary(v: {
  Name: string;
  Driver?: string;
  Labels?: Record<string, string> | null;
}): ObservedVolume {
  const labels = v.Labels ?? {};
  const key = labels[Labels.volume];
  return { name: v.Name, ...(key ? { key } : {}), labels, driver: v.Driver ?? '' };
}

function fromLabels(labels: Record<string, string>) {
  const number = Number.parseInt(labels[Labels.containerNumber] ?? '', 10);
  const configHash = labels[Labels.configHash];
  const configDigest = decodeConfigDigests(labels[Labels.configDigest]);
  return {
    service: labels[Labels.service] ?? '',
    number: Number.isNaN(number) ? 0 : number,
    oneoff: (labels[Labels.oneoff] ?? '').toLowerCase() === 'true',
    ...(configHash ? { configHash } : {}),
    ...(configDigest ? { configDigest } : {}),
  };
}

function stateOf(state: string | undefined): ContainerState {
  const s = (state ?? '').toLowerCase();
  if (STATES.has(s as ContainerState)) return s as ContainerState;
  // Podman says `stopped` and `configured` for what Docker calls exited and created.
  if (s === 'stopped') return 'exited';
  if (s === 'configured' || s === 'initialized') return 'created';
  return 'dead';
}

function healthOf(status: string | undefined): HealthState | undefined {
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : undefined;
}

/** `Up 3 minutes (healthy)`, `Up 2 seconds (health: starting)`, `Up 1 hour (unhealthy)`. */
function healthFromStatus(status: string): HealthState | undefined {
  if (/\(health: starting\)/.test(status)) return 'starting';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(healthy\)/.test(status)) return 'healthy';
  return undefined;
}

function isSet(time: string | undefined): time is string {
  return time !== undefined && time !== '' && !time.startsWith('0001-01-01');
}
