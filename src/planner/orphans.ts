/** Orphans: containers of the project whose service the project no longer has. */
import type { ObservedContainer, ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import { compare } from './graph.js';

/** Non-oneoff containers of services neither in the project nor disabled by a profile, sorted by service, number, name. */
export function findOrphans(
  project: Project,
  observed: ObservedState,
  disabledServices: string[] = [],
): ObservedContainer[] {
  const disabled = new Set(disabledServices);
  return observed.containers
    .filter((c) => !c.oneoff && !project.services[c.service] && !disabled.has(c.service))
    .sort((a, b) => compare(a.service, b.service) || a.number - b.number || compare(a.name, b.name));
}
