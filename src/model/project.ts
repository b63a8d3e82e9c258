/**
 * The canonical (normalised) compose project: every short syntax expanded to its long form,
 * relative paths made absolute, defaults filled in. Field names are the compose file's own
 * snake_case keys, so the project prints as `docker compose config` does. Pure types, no I/O.
 */
import type { ServiceConfig } from './service.js';

export type { ServiceConfig } from './service.js';

/** `x-*` keys, kept wherever compose allows them. */
export type Extensions = { [key: `x-${string}`]: unknown };

/** A string-to-string mapping (labels, sysctls, driver options): list forms are converted to this. */
export type Mapping = Record<string, string>;

/** The normalised project. */
export interface Project {
  name: string;
  /** Directory relative paths were resolved against; not printed by `config`. */
  workingDir?: string;
  /** Keyed by service name. */
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, SecretConfig>;
  configs: Record<string, ConfigObject>;
  models?: Record<string, ModelConfig>;
  /** Top-level `x-*` keys. */
  extensions: Extensions;
}

/** A top-level network; `name` is always set (`<project>_<key>`, or the key when external). */
export interface NetworkConfig extends Extensions {
  name: string;
  driver?: string;
  driver_opts?: Mapping;
  ipam?: IpamConfig;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Mapping;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
}

/** IP address management of a network. */
export interface IpamConfig extends Extensions {
  driver?: string;
  config?: IpamPool[];
  options?: Mapping;
}

/** One subnet of a network. */
export interface IpamPool extends Extensions {
  subnet?: string;
  gateway?: string;
  ip_range?: string;
  aux_addresses?: Mapping;
}

/** A top-level volume; `name` is always set (`<project>_<key>`, or the key when external). */
export interface VolumeConfig extends Extensions {
  name: string;
  driver?: string;
  driver_opts?: Mapping;
  external?: boolean;
  labels?: Mapping;
}

/** What secrets and configs share: a file, an environment variable, inline content, or external. */
export interface FileObjectConfig extends Extensions {
  name: string;
  /** Absolute path (unless path resolution is off). */
  file?: string;
  /** Name of the variable holding the content. */
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Mapping;
  driver?: string;
  driver_opts?: Mapping;
  template_driver?: string;
}

/** A top-level secret. */
export type SecretConfig = FileObjectConfig;

/** A top-level config. */
export type ConfigObject = FileObjectConfig;

/** A top-level AI model served by a model runner. */
export interface ModelConfig extends Extensions {
  name?: string;
  model: string;
  context_size?: number;
  runtime_flags?: string[];
}
