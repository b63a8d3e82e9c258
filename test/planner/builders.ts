/**
 * Small builders for planner tests: a normalised project from a few service fields, and the
 * engine state a previous `dev up` of it would leave (containers labelled with its hashes).
 */
import { expect } from 'vitest';
import { configDigests } from '../../src/model/config-digest.js';
import { configHash } from '../../src/model/config-hash.js';
import { Labels } from '../../src/model/labels.js';
import type { ObservedContainer, ObservedState } from '../../src/model/observed.js';
import type { NetworkConfig, Project, VolumeConfig } from '../../src/model/project.js';
import type { DependsOn, ServiceConfig } from '../../src/model/service.js';
import { serviceImageRef } from '../../src/planner/image-ref.js';
import type { Plan } from '../../src/planner/plan.js';

export const DEV_VERSION = '0.1.0';

interface ProjectExtras {
  networks?: Record<string, Partial<NetworkConfig>>;
  volumes?: Record<string, Partial<VolumeConfig>>;
}

/** A project as the loader would give it: default network attached, resources named. */
export function makeProject(
  name: string,
  services: Record<string, ServiceConfig>,
  extras: ProjectExtras = {},
): Project {
  const out: Project = {
    name,
    services: {},
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    extensions: {},
  };
  for (const [key, n] of Object.entries(extras.networks ?? {})) {
    out.networks[key] = { ...n, name: n.name ?? (n.external ? key : `${name}_${key}`) };
  }
  for (const [key, v] of Object.entries(extras.volumes ?? {})) {
    out.volumes[key] = { ...v, name: v.name ?? (v.external ? key : `${name}_${key}`) };
  }
  for (const [svc, config] of Object.entries(services)) {
    const copy = structuredClone(config);
    if (copy.network_mode === undefined && copy.networks === undefined) copy.networks = { default: null };
    if (copy.networks && 'default' in copy.networks) out.networks.default ??= { name: `${name}_default` };
    out.services[svc] = copy;
  }
  return out;
}

/** A `depends_on` entry. */
export function dep(
  condition: DependsOn['condition'] = 'service_started',
  more: Partial<DependsOn> = {},
): DependsOn {
  return { condition, required: true, ...more };
}

/** The image id the fake engine holds for a reference. */
export function imageId(ref: string, generation = 1): string {
  return `sha256:${ref.replace(/[^a-z0-9]/g, '')}${generation}`;
}

/** A container of `service` as dev would have made it from the project's current config. */
export function makeContainer(
  project: Project,
  service: string,
  number: number,
  overrides: Partial<ObservedContainer> = {},
): ObservedContainer {
  const config = project.services[service] ?? { image: 'gone' };
  const ref = project.services[service] ? serviceImageRef(project, service) : 'gone';
  return {
    id: `id-${service}-${number}`,
    name: config.container_name ?? `${project.name}-${service}-${number}`,
    service,
    number,
    oneoff: false,
    state: 'running',
    configHash: configHash(config),
    configDigest: configDigests(config),
    imageId: imageId(ref),
    image: ref,
    labels: {
      [Labels.project]: project.name,
      [Labels.service]: service,
      [Labels.containerNumber]: String(number),
      [Labels.devVersion]: DEV_VERSION,
    },
    created: 1_700_000_000 + number,
    ...overrides,
  };
}

/** Nothing in the engine for the project. */
export function emptyState(project: Project): ObservedState {
  return { project: project.name, containers: [], networks: [], volumes: [], images: {} };
}

/** What the engine holds after `dev up` of `project`: images, resources and running containers. */
export function stateAfterUp(project: Project): ObservedState {
  const state = emptyState(project);
  for (const [name, config] of Object.entries(project.services)) {
    const ref = serviceImageRef(project, name);
    state.images[ref] = { ref, id: imageId(ref) };
    const count = config.deploy?.replicas ?? config.scale ?? 1;
    for (let n = 1; n <= count; n++) state.containers.push(makeContainer(project, name, n));
  }
  for (const [key, n] of Object.entries(project.networks)) {
    const labels = n.external ? {} : { [Labels.project]: project.name, [Labels.network]: key, ...n.labels };
    state.networks.push({ id: `net-${key}`, name: n.name, labels, driver: n.driver ?? 'bridge' });
  }
  for (const [key, v] of Object.entries(project.volumes)) {
    const labels = v.external ? {} : { [Labels.project]: project.name, [Labels.volume]: key, ...v.labels };
    state.volumes.push({ name: v.name, labels, driver: v.driver ?? 'local' });
  }
  return state;
}

/** Ids are unique and every step comes after the steps it waits for. */
export function expectValidDag(plan: Plan): void {
  const seen = new Set<string>();
  for (const step of plan.steps) {
    expect(seen.has(step.id), `duplicate step ${step.id}`).toBe(false);
    for (const a of step.after)
      expect(seen.has(a), `${step.id} waits for ${a}, which is not before it`).toBe(true);
    seen.add(step.id);
  }
}

/** The `after` of one step, by id. */
export function afterOf(plan: Plan, id: string): string[] {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in plan:\n${plan.steps.map((s) => s.id).join('\n')}`);
  return step.after;
}

/** The example project of the planner tests: db (named volume) ← api (built; healthy db, restart) ← web. */
export function trioProject(): Project {
  return makeProject(
    'trio',
    {
      db: {
        image: 'postgres:16',
        environment: { POSTGRES_PASSWORD: 'x' },
        volumes: [{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data' }],
      },
      api: {
        build: { context: '/src/api', dockerfile: 'Dockerfile' },
        environment: { DEBUG: 'false' },
        depends_on: { db: dep('service_healthy', { restart: true }) },
      },
      web: {
        image: 'nginx:1.25',
        ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }],
        depends_on: { api: dep() },
      },
    },
    { volumes: { data: {} } },
  );
}
