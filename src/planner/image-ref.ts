/** The names Compose gives things a service makes: its image reference and container names. */
import type { ObservedImage, ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import type { ServiceConfig } from '../model/service.js';

/** The image a service runs: its `image`, else the tag Compose v2 builds it as, `<project>-<service>`. */
export function serviceImageRef(project: Project, service: string): string {
  return project.services[service]?.image ?? `${project.name}-${service}`;
}

/** Every image reference the project's services use, sorted and distinct: what observe() should look up. */
export function projectImageRefs(project: Project): string[] {
  return [...new Set(Object.keys(project.services).map((s) => serviceImageRef(project, s)))].sort();
}

/** The observed image for a reference; `nginx` also finds `nginx:latest` (engines report either). */
export function findImage(observed: ObservedState, ref: string): ObservedImage | undefined {
  const direct = observed.images[ref];
  if (direct) return direct;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !last.includes('@')) return observed.images[`${ref}:latest`];
  return undefined;
}

/** A container's name: `container_name`, else `<project>-<service>-<number>`. */
export function containerName(
  project: string,
  service: string,
  config: ServiceConfig,
  number: number,
): string {
  return config.container_name ?? `${project}-${service}-${number}`;
}
