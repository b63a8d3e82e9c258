/**
 * What an engine holds for one project, seen once (one snapshot, by label) before planning.
 * Pure data: the planner decides from this and the Project alone.
 */

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthState = 'starting' | 'healthy' | 'unhealthy';

/** A container of the project (labels `com.docker.compose.project` = project). */
export interface ObservedContainer {
  id: string;
  /** Without the leading `/`. */
  name: string;
  /** `com.docker.compose.service`. */
  service: string;
  /** `com.docker.compose.container-number`; 0 when missing or not a number. */
  number: number;
  oneoff: boolean;
  state: ContainerState;
  health?: HealthState;
  exitCode?: number;
  /** `com.docker.compose.config-hash`. */
  configHash?: string;
  /** dev's per-field digests (`dev.config-digest`), when dev made it. */
  configDigest?: Record<string, string>;
  /** Image ID the container runs (sha256:…). */
  imageId: string;
  /** Image reference it was created with. */
  image: string;
  labels: Record<string, string>;
  /** Unix seconds. */
  created: number;
  /** The engine's words for the state, e.g. `Up 5 minutes (healthy)`, when the list gives them. */
  status?: string;
  /** The command as the engine shows it, when the list gives it. */
  command?: string;
  /** Published and exposed ports, when the list gives them. */
  ports?: ObservedPort[];
}

/** One port of a container as the engine lists it. */
export interface ObservedPort {
  privatePort: number;
  publicPort?: number;
  /** Host address it is published on (`0.0.0.0`, `::`, `127.0.0.1`). */
  ip?: string;
  type: string;
}

/** A network of the project (label `com.docker.compose.network` = its key), or one the project names. */
export interface ObservedNetwork {
  id: string;
  name: string;
  /** `com.docker.compose.network`: the key in the compose file. */
  key?: string;
  labels: Record<string, string>;
  driver: string;
}

/** A volume of the project, or one the project names. */
export interface ObservedVolume {
  name: string;
  key?: string;
  labels: Record<string, string>;
  driver: string;
}

/** An image the project refers to, as present in the engine. */
export interface ObservedImage {
  /** The reference asked for (`nginx:1.25`, `trio-api`). */
  ref: string;
  /** Image ID (sha256:…). */
  id: string;
  /** dev's build cache key, when dev built it (label `dev.build-hash`). */
  buildHash?: string;
}

/** One snapshot of the engine for a project. */
export interface ObservedState {
  project: string;
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
  /** Keyed by reference; absent when the engine does not have it. */
  images: Record<string, ObservedImage>;
}
