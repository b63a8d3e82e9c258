/** A service's normalised `deploy` section and device requests. Pure types. */
import type { Extensions, Mapping } from './project.js';

/** Deployment constraints; durations are Go duration strings, memory is in bytes. */
export interface DeployConfig extends Extensions {
  mode?: string;
  replicas?: number;
  labels?: Mapping;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: Resources;
  restart_policy?: RestartPolicy;
  placement?: Placement;
  endpoint_mode?: string;
}

/** Rolling update (or rollback) settings. */
export interface UpdateConfig extends Extensions {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: string;
}

/** Limits and reservations. */
export interface Resources extends Extensions {
  limits?: Resource;
  reservations?: Resource;
}

/** One side of resources: CPUs as a fraction of cores, memory in bytes. */
export interface Resource extends Extensions {
  cpus?: number;
  memory?: number;
  pids?: number;
  devices?: DeviceRequest[];
  generic_resources?: GenericResource[];
}

/** A request for devices (GPUs and the like); `count` is `all` unless a number or ids are given. */
export interface DeviceRequest extends Extensions {
  capabilities?: string[];
  driver?: string;
  count?: number | 'all';
  device_ids?: string[];
  options?: Mapping;
}

/** A user-defined countable resource. */
export interface GenericResource extends Extensions {
  discrete_resource_spec?: { kind: string; value: number } & Extensions;
}

/** When and how the platform restarts containers. */
export interface RestartPolicy extends Extensions {
  condition?: string;
  delay?: string;
  max_attempts?: number;
  window?: string;
}

/** Node placement constraints. */
export interface Placement extends Extensions {
  constraints?: string[];
  preferences?: ({ spread: string } & Extensions)[];
  max_replicas_per_node?: number;
}
