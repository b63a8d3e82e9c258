/** A service's normalised `build` section. Pure types. */
import type { Extensions, Mapping } from './project.js';
import type { ServiceSecretReference, Ulimit } from './service.js';

/** How to build a service's image; a `build: <path>` string becomes `{context, dockerfile}`. */
export interface BuildConfig extends Extensions {
  /** Absolute directory, or a remote context (git/http URL) kept as written. */
  context: string;
  /** Relative to the context; `Dockerfile` unless `dockerfile_inline` is set. */
  dockerfile?: string;
  dockerfile_inline?: string;
  entitlements?: string[];
  /** Build args; entries without a value that the environment does not set are dropped. */
  args?: Mapping;
  provenance?: string;
  sbom?: string;
  /** `default` or `id=path` entries. */
  ssh?: string[];
  labels?: Mapping;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  no_cache_filter?: string[];
  /** Name → absolute path, URL, `docker-image://...` or `service:<name>`. */
  additional_contexts?: Mapping;
  pull?: boolean;
  /** `host=ip`, sorted. */
  extra_hosts?: string[];
  isolation?: string;
  network?: string;
  target?: string;
  secrets?: ServiceSecretReference[];
  /** Bytes. */
  shm_size?: number;
  tags?: string[];
  ulimits?: Record<string, Ulimit>;
  platforms?: string[];
  privileged?: boolean;
}
