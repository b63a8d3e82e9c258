/**
 * Profiles: a service with `profiles` is enabled only when one of them is active; a service
 * named on the command line activates its own. Dependencies do not switch services on
 * (the spec says so): depending on a disabled service is an error, unless `required: false`.
 */
import type { ComposeIssue } from '../model/errors.js';
import type { Project } from '../model/project.js';
import type { Obj } from './document-loader.js';
import { locate } from './locate.js';
import type { Origins } from './origins.js';

export interface ProfilesResult {
  project: Project;
  disabled: string[];
}

/** Leaves out services whose profiles are not active; `*` activates all. Reports dependencies on left-out services. */
export function applyProfiles(
  project: Project,
  profiles: string[],
  targeted: string[],
  raw: Obj,
  origins: Origins,
  issues: ComposeIssue[],
  warnings: ComposeIssue[],
): ProfilesResult {
  const active = new Set(profiles);
  for (const name of targeted) for (const p of project.services[name]?.profiles ?? []) active.add(p);
  const enabled = (name: string): boolean => {
    const own = project.services[name]?.profiles ?? [];
    return own.length === 0 || active.has('*') || own.some((p) => active.has(p));
  };
  const services: Project['services'] = {};
  const disabled: string[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    if (enabled(name)) services[name] = service;
    else disabled.push(name);
  }
  for (const [name, service] of Object.entries(services)) {
    for (const [dep, spec] of Object.entries(service.depends_on ?? {})) {
      if (!disabled.includes(dep)) continue;
      const needed = project.services[dep]?.profiles ?? [];
      const where = locate(raw, origins, ['services', name, 'depends_on'], dep);
      if (spec.required === false) {
        const rest = { ...service.depends_on };
        delete rest[dep];
        services[name] = { ...service, depends_on: rest };
        warnings.push({
          ...where,
          severity: 'warning',
          message: `service "${name}": optional dependency "${dep}" is not enabled by the active profiles, skipped`,
        });
        continue;
      }
      issues.push({
        ...where,
        severity: 'error',
        message: `service "${name}" depends on "${dep}", which the active profiles leave out`,
        hint: `enable it with ${needed.map((p) => `--profile ${p}`).join(' or ')}`,
      });
    }
  }
  return { project: { ...project, services }, disabled };
}

/** Every profile named by any service, sorted. */
export function listProfiles(project: Project): string[] {
  const all = new Set<string>();
  for (const s of Object.values(project.services)) for (const p of s.profiles ?? []) all.add(p);
  return [...all].sort();
}
