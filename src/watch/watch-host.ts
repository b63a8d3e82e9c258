/**
 * What a watch asks of the command that runs it: a rebuild and a re-plan done exactly as
 * `dev up` does them (the CLI implements these with its plan-and-apply helpers, which the watch
 * layer must not import).
 */
import type { Project } from '../model/project.js';

/** Containers a rebuild replaced and restarted, by name. */
export interface RebuildOutcome {
  recreated: string[];
  restarted: string[];
}

/** The project after the compose files changed, and what applying the difference did. */
export interface ReloadOutcome {
  project: Project;
  /** Compose files and env files to watch from now on. */
  projectFiles: string[];
  /** One line per change made: `recreated web-1`, `created worker-1`. Empty: nothing to do. */
  applied: string[];
}

/** The two operations a watch delegates. */
export interface WatchHost {
  /** Builds the service's image; recreates its containers when the image changed, then restarts its `restart: true` dependents. */
  rebuild(service: string): Promise<RebuildOutcome>;
  /** Loads the compose files again and applies the difference; throws (the old project stays) when they are invalid. */
  reload(): Promise<ReloadOutcome>;
}
