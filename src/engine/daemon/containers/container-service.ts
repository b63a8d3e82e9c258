/**
 * Containers of the bundled engine: records, lifecycle, and what the API shows of them.
 * (Being built: the container part fills this in.)
 */
import type { ContainersView, DaemonContext } from '../daemon-context.js';

export class ContainerService implements ContainersView {
  constructor(readonly ctx: Omit<DaemonContext, 'containers'>) {}

  /** Finds the containers on disk again after a daemon restart. */
  async recover(): Promise<void> {}

  summaries(): ReturnType<ContainersView['summaries']> {
    return [];
  }

  /** Stops health checks and timers (containers keep running). */
  close(): void {}
}
