/** What `dev up` (and `create`, `run`'s dependencies) asks of reconcile, as Compose's flags. */

/** Options of reconcile(); every field is optional and defaults to Compose's behaviour. */
export interface ReconcileOptions {
  /** Target services (none: all); their dependencies are included unless `noDeps`. */
  services?: string[];
  noDeps?: boolean;
  /** Recreate the targets' containers even when up to date. */
  forceRecreate?: boolean;
  /** Never recreate existing containers (still starts stopped ones and applies scale). */
  noRecreate?: boolean;
  /** Recreate the containers of dependencies (services selected only as dependencies). */
  alwaysRecreateDeps?: boolean;
  removeOrphans?: boolean;
  /** `auto`: build missing images; `always`: `--build`; `never`: `--no-build`. */
  build?: 'auto' | 'always' | 'never';
  /** `--pull`; undefined: each service's `pull_policy` (default `missing`). */
  pull?: 'always' | 'missing' | 'never' | 'build';
  /** `--scale service=n`, winning over `deploy.replicas` and `scale`. */
  scale?: Record<string, number>;
  /** Create containers without starting them (`--no-start`, `dev create`). */
  noStart?: boolean;
  /** This dev's version: a container made by another version explains a hash change. */
  devVersion?: string;
  /** Services the files define but profiles disable: their containers are not orphans. */
  disabledServices?: string[];
}
