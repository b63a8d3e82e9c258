/** A service's normalised `develop` section (watch rules) and lifecycle hooks. Pure types. */
import type { Extensions } from './project.js';

/** Development settings. */
export interface DevelopConfig extends Extensions {
  watch?: WatchRule[];
}

/** One watch rule; a rule listing several paths becomes one rule per path. */
export interface WatchRule extends Extensions {
  /** Absolute path watched on the host (unless path resolution is off). */
  path: string;
  action: 'rebuild' | 'restart' | 'sync' | 'sync+restart' | 'sync+exec' | (string & {});
  /** Path in the container, for sync actions. */
  target?: string;
  /** Command run after syncing, for `sync+exec`. */
  exec?: ServiceHook;
  /** `.dockerignore`-style patterns selecting files to watch. */
  include?: string[];
  /** `.dockerignore`-style patterns of files not to watch. */
  ignore?: string[];
  initial_sync?: boolean;
}

/** A command run in a service's container (post_start, pre_stop, watch exec). */
export interface ServiceHook extends Extensions {
  command: string[];
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: Record<string, string | null>;
}
