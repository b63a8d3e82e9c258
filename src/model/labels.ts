/**
 * Every label key dev reads or writes. Compose's `com.docker.compose.*` keys make containers,
 * networks and volumes made by dev and by Docker Compose visible to each other (`ps`, `down`).
 */
export const Labels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  dependsOn: 'com.docker.compose.depends_on',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  version: 'com.docker.compose.version',
  /** The image ID the container was created from (Compose writes the digest here). */
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  /** On a container being replaced: the container it replaces. */
  replace: 'com.docker.compose.replace',
  /** dev's own: a short digest per top-level field (and per key of mapping fields), to name what changed. */
  configDigest: 'dev.config-digest',
  /** dev's own: the version of dev that created the resource. */
  devVersion: 'dev.version',
} as const;

/** The version string written in `com.docker.compose.version`: Compose v2 tools read it. */
export const COMPOSE_COMPAT_VERSION = '2.29.0';
