/**
 * The checks a schema cannot make: references to services, networks, volumes, secrets and
 * configs that are not defined; `depends_on` cycles named with their path; `container_name`
 * on a service with more than one replica. `--no-consistency` skips them, as in Compose.
 */
import type { ComposeIssue } from '../model/errors.js';
import type { Project, ServiceConfig } from '../model/project.js';
import { closest } from './did-you-mean.js';
import type { Obj } from './document-loader.js';
import { locate } from './locate.js';
import type { Origins } from './origins.js';

/** Returns one issue per broken reference, cycle or conflict. */
export function checkConsistency(
  project: Project,
  raw: Obj,
  origins: Origins,
  /** Services the active profiles leave out: a dependency on one is reported by profiles.ts. */
  disabled: readonly string[] = [],
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const services = Object.keys(project.services);
  const report = (path: string[], name: string | undefined, message: string, hint?: string) =>
    issues.push({
      ...locate(raw, origins, path, name),
      severity: 'error',
      message,
      ...(hint ? { hint } : {}),
    });
  const suggest = (word: string, candidates: string[], what: string) => {
    const c = closest(word, candidates);
    return c ? `did you mean "${c}"?` : `define it under the top-level \`${what}:\``;
  };

  for (const [name, service] of Object.entries(project.services)) {
    const at = (...rest: string[]) => ['services', name, ...rest];
    if (!service.image && !service.build) {
      report(
        at(),
        undefined,
        `service "${name}" has neither an image nor a build context`,
        'add `image:` or `build:`',
      );
    }
    if (
      service.network_mode &&
      service.networks &&
      Object.keys(service.networks).length > 0 &&
      !isDefaultOnly(service)
    ) {
      report(
        at('network_mode'),
        undefined,
        `service "${name}" sets both network_mode and networks`,
        'keep one of them',
      );
    }
    for (const dep of Object.keys(service.depends_on ?? {})) {
      if (!(dep in project.services) && !disabled.includes(dep)) {
        report(
          at('depends_on'),
          dep,
          `service "${name}" depends on undefined service "${dep}"`,
          suggest(dep, services, 'services'),
        );
      }
    }
    for (const link of service.links ?? []) {
      const target = link.split(':')[0] ?? link;
      if (!(target in project.services)) {
        report(
          at('links'),
          target,
          `service "${name}" links to undefined service "${target}"`,
          suggest(target, services, 'services'),
        );
      }
    }
    for (const field of ['network_mode', 'ipc', 'pid'] as const) {
      const value = service[field];
      if (typeof value === 'string' && value.startsWith('service:')) {
        const target = value.slice('service:'.length);
        if (!(target in project.services)) {
          report(
            at(field),
            undefined,
            `service "${name}": ${field} refers to undefined service "${target}"`,
            suggest(target, services, 'services'),
          );
        }
      }
    }
    for (const from of service.volumes_from ?? []) {
      if (from.startsWith('container:')) continue;
      const target = from.split(':')[0] ?? from;
      if (!(target in project.services)) {
        report(
          at('volumes_from'),
          target,
          `service "${name}": volumes_from refers to undefined service "${target}"`,
          suggest(target, services, 'services'),
        );
      }
    }
    const networks = Object.keys(project.networks ?? {});
    for (const net of Object.keys(service.networks ?? {})) {
      if (!networks.includes(net)) {
        report(
          at('networks'),
          net,
          `service "${name}" uses undefined network "${net}"`,
          suggest(net, networks, 'networks'),
        );
      }
    }
    const volumes = Object.keys(project.volumes ?? {});
    (service.volumes ?? []).forEach((v) => {
      if (v.type === 'volume' && v.source && !volumes.includes(v.source)) {
        report(
          at('volumes'),
          v.source,
          `service "${name}" uses undefined volume "${v.source}"`,
          suggest(v.source, volumes, 'volumes'),
        );
      }
    });
    for (const kind of ['secrets', 'configs'] as const) {
      const declared = Object.keys(project[kind] ?? {});
      for (const ref of service[kind] ?? []) {
        if (!declared.includes(ref.source)) {
          report(
            at(kind),
            ref.source,
            `service "${name}" uses undefined ${kind.slice(0, -1)} "${ref.source}"`,
            suggest(ref.source, declared, kind),
          );
        }
      }
    }
    const replicas = replicaCount(service);
    if (service.container_name && replicas > 1) {
      report(
        at('container_name'),
        undefined,
        `service "${name}" sets container_name "${service.container_name}" but asks for ${replicas} replicas`,
        'container names are unique: remove container_name or run one replica',
      );
    }
  }
  const cycle = findDependencyCycle(project);
  if (cycle) {
    const first = cycle[0] as string;
    report(
      ['services', first, 'depends_on'],
      cycle[1],
      `dependency cycle: ${cycle.join(' -> ')}`,
      'remove one of the depends_on in the cycle',
    );
  }
  return issues;
}

/** The normaliser adds `networks: {default}` to every service without networks; that one does not conflict. */
function isDefaultOnly(service: ServiceConfig): boolean {
  const names = Object.keys(service.networks ?? {});
  return names.length === 1 && names[0] === 'default';
}

function replicaCount(service: ServiceConfig): number {
  return service.scale ?? service.deploy?.replicas ?? 1;
}

/** The first `depends_on` cycle, as a path that starts and ends with the same service. */
export function findDependencyCycle(project: Project): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(project.services[name]?.depends_on ?? {}).sort()) {
      if (!(dep in project.services)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(project.services).sort()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
