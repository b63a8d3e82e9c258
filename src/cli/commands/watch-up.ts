/** What `dev up --watch` runs once the project is up: the watch attached, or in the background. */
import type { CliIO } from '../io.js';
import type { GlobalOptions } from '../program.js';
import type { ProjectSession } from '../session.js';
import { startBackgroundWatch } from './watch-background.js';

export { attachWithWatch } from './watch-attached.js';

/** `dev up -d --watch`: starts the background watch of the services `up` was given. */
export async function watchInBackground(
  o: GlobalOptions,
  session: ProjectSession,
  services: string[],
  io: CliIO,
): Promise<number> {
  return startBackgroundWatch({ project: session.project.name, options: o, watchArgs: [], services, io });
}
