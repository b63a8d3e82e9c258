/** The containers of a project as commands select them: by service, one-off or not, running or all. */
import type { Engine } from '../../engine/engine.js';
import { DevError } from '../../model/errors.js';
import { Labels } from '../../model/labels.js';
import type { ObservedContainer } from '../../model/observed.js';
import type { Project } from '../../model/project.js';

export interface SelectOptions {
  services?: string[];
  /** Include stopped containers. */
  all?: boolean;
  /** Include `dev run` containers. */
  oneoff?: boolean;
}

/** Lists, sorted by service then number; unknown service names are an error naming the known ones. */
export async function projectContainers(
  engine: Engine,
  project: Project,
  options: SelectOptions = {},
): Promise<ObservedContainer[]> {
  const services = options.services ?? [];
  const known = Object.keys(project.services);
  const unknown = known.length > 0 ? services.filter((s) => !known.includes(s)) : [];
  if (unknown.length > 0) {
    throw new DevError('NO_SUCH_SERVICE', `no such service: ${unknown.join(', ')}`, {
      hint: `services: ${known.join(', ')}`,
    });
  }
  const list = await engine.listContainers({
    labels: [`${Labels.project}=${project.name}`],
    all: options.all ?? false,
  });
  return list
    .filter((c) => (options.oneoff ? true : !c.oneoff))
    .filter((c) => services.length === 0 || services.includes(c.service))
    .sort((a, b) => (a.service === b.service ? a.number - b.number : a.service < b.service ? -1 : 1));
}
