/** Options and results of the Runtime's operations. */
import type { HostInfo } from './host-probe.js';
import type { BridgeTool } from './stdin-bridge.js';

export interface RuntimeOptions {
  /** State root: containers/ and exits/ live here. */
  rootDir: string;
  /** The OCI runtime's state directory; default `<rootDir>/runc`. */
  runtimeStateDir?: string;
  /** runc or crun; default chosen for the host (crun on cgroup v2 when installed, else runc). */
  ociRuntimePath?: string;
  conmonPath?: string;
  /** The stdin bridge; default socat, else python3; null for none (attach without stdin). */
  bridge?: BridgeTool | null;
  /** Where to look for a static init (`init: true`). */
  initCandidates?: readonly string[];
  /** cgroup parent of containers (and of the shims' cgroup); default `dev-engine`. */
  cgroupParent?: string;
  /** Move each conmon into `<cgroupParent>/_conmon` so a service manager stopping the daemon spares it; default true. */
  shimCgroup?: boolean;
  psPath?: string;
  /** How often live containers are checked for an exit no notice reported (a conmon killed outright); default 5000 ms. */
  exitSweepMs?: number;
  host?: HostInfo;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export interface CreateResult {
  id: string;
  warnings: string[];
  init?: { path: string; found: string };
}

export interface StopOptions {
  /** Default the container's stop signal, else SIGTERM. */
  signal?: string;
  /** Seconds before SIGKILL; default the container's stop timeout, else 10; negative waits forever. */
  timeoutSeconds?: number;
}
