/**
 * Network and volume steps: create what the selected services use and the engine lacks.
 * External ones must exist; ones that exist with this project's labels but another config need
 * a `dev down` first (Compose says "needs to be recreated" too); ones another tool made are used
 * as they are, with a warning.
 */
import { Labels } from '../model/labels.js';
import type { ObservedNetwork, ObservedState, ObservedVolume } from '../model/observed.js';
import type { Mapping, NetworkConfig, Project, VolumeConfig } from '../model/project.js';
import { compare } from './graph.js';
import type { CreateNetworkStep, CreateVolumeStep } from './plan.js';
import { PlanError } from './plan-error.js';

/** What the resource phase decided. */
export interface ResourcePlan {
  steps: (CreateNetworkStep | CreateVolumeStep)[];
  /** Service → ids of the create steps its containers wait for. */
  needs: Map<string, string[]>;
  warnings: string[];
}

/** Plans the networks and volumes the selected services use; throws PlanError when one cannot be used. */
export function planResources(project: Project, observed: ObservedState, services: string[]): ResourcePlan {
  const plan: ResourcePlan = { steps: [], needs: new Map(), warnings: [] };
  const networkUsers = new Map<string, string[]>();
  const volumeUsers = new Map<string, string[]>();
  for (const name of services) {
    const service = project.services[name];
    if (!service) continue;
    if (service.network_mode === undefined) {
      for (const key of Object.keys(service.networks ?? {})) add(networkUsers, key, name);
    }
    for (const mount of service.volumes ?? []) {
      if (mount.type === 'volume' && mount.source !== undefined) add(volumeUsers, mount.source, name);
    }
  }
  for (const key of [...networkUsers.keys()].sort(compare)) {
    const config = project.networks[key];
    if (!config) throw undefinedReference('network', key, networkUsers.get(key) ?? []);
    const found = pick(observed.networks, config.name, project.name);
    const id = `network:create:${key}`;
    if (checkExisting({ kind: 'network', key, config, found, project: project.name, plan })) {
      plan.steps.push({
        kind: 'create-network',
        id,
        after: [],
        reason: 'missing',
        network: key,
        name: config.name,
      });
      for (const user of networkUsers.get(key) ?? []) add(plan.needs, user, id);
    }
  }
  for (const key of [...volumeUsers.keys()].sort(compare)) {
    const config = project.volumes[key];
    if (!config) throw undefinedReference('volume', key, volumeUsers.get(key) ?? []);
    const found = pick(observed.volumes, config.name, project.name);
    const id = `volume:create:${key}`;
    if (checkExisting({ kind: 'volume', key, config, found, project: project.name, plan })) {
      plan.steps.push({
        kind: 'create-volume',
        id,
        after: [],
        reason: 'missing',
        volume: key,
        name: config.name,
      });
      for (const user of volumeUsers.get(key) ?? []) add(plan.needs, user, id);
    }
  }
  return plan;
}

interface ExistingCheck {
  kind: 'network' | 'volume';
  key: string;
  config: NetworkConfig | VolumeConfig;
  found: ObservedNetwork | ObservedVolume | undefined;
  project: string;
  plan: ResourcePlan;
}

/** True when the resource must be created; throws when it cannot be used as it is. */
function checkExisting(check: ExistingCheck): boolean {
  const { kind, key, config, found, project } = check;
  const create = kind === 'network' ? 'docker network create' : 'docker volume create';
  if (config.external) {
    if (found) return false;
    throw new PlanError(
      kind === 'network' ? 'NETWORK_NOT_FOUND' : 'VOLUME_NOT_FOUND',
      `external ${kind} ${config.name} not found`,
      { hint: `create it first: \`${create} ${config.name}\`` },
    );
  }
  if (!found) return true;
  if (found.labels[Labels.project] !== project) {
    check.plan.warnings.push(
      `${kind} ${config.name} exists but was not made for project ${project}; using it as it is (set \`external: true\` to say so)`,
    );
    return false;
  }
  const changes = differences(kind, key, config, found);
  if (changes.length > 0) {
    throw new PlanError(
      kind === 'network' ? 'NETWORK_NEEDS_RECREATE' : 'VOLUME_NEEDS_RECREATE',
      `${kind} ${config.name} needs to be recreated: ${changes.join(', ')}`,
      {
        hint:
          kind === 'network'
            ? '`dev down` removes it with the containers using it; then `dev up` creates it anew'
            : '`dev down --volumes` removes it and its data (back it up first); then `dev up` creates it anew',
      },
    );
  }
  return false;
}

/** What differs between the config and an existing resource of the project, in words. */
function differences(
  kind: 'network' | 'volume',
  key: string,
  config: NetworkConfig | VolumeConfig,
  found: ObservedNetwork | ObservedVolume,
): string[] {
  const out: string[] = [];
  const keyLabel = kind === 'network' ? Labels.network : Labels.volume;
  const actualKey = found.labels[keyLabel];
  if (actualKey !== undefined && actualKey !== key) out.push(`made for ${kind} "${actualKey}", not "${key}"`);
  const wanted = config.driver ?? (kind === 'network' ? 'bridge' : 'local');
  if (found.driver && found.driver !== wanted) out.push(`driver ${found.driver} → ${wanted}`);
  const labels = userLabels(found.labels);
  const desired = config.labels ?? {};
  const changed = [...new Set([...Object.keys(labels), ...Object.keys(desired)])]
    .filter((k) => labels[k] !== desired[k])
    .sort(compare);
  if (changed.length > 0) out.push(`labels changed (${changed.join(', ')})`);
  return out;
}

/** Labels a user wrote: without Compose's and dev's own. */
function userLabels(labels: Record<string, string>): Mapping {
  const out: Mapping = {};
  for (const [k, v] of Object.entries(labels)) {
    if (!k.startsWith('com.docker.compose.') && !k.startsWith('dev.')) out[k] = v;
  }
  return out;
}

/** The resource named `name`; when several share it (networks may), the one labelled for the project. */
function pick<T extends { name: string; labels: Record<string, string> }>(
  list: T[],
  name: string,
  project: string,
): T | undefined {
  const matches = list
    .filter((r) => r.name === name)
    .sort((a, b) => compare((a as { id?: string }).id ?? '', (b as { id?: string }).id ?? ''));
  return matches.find((r) => r.labels[Labels.project] === project) ?? matches[0];
}

function undefinedReference(kind: string, key: string, users: string[]): PlanError {
  return new PlanError(
    'UNDEFINED_REFERENCE',
    `service "${users[0]}" uses ${kind} "${key}", which is not defined`,
    {
      hint: `declare it under the top-level \`${kind}s:\` key`,
    },
  );
}

function add(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
