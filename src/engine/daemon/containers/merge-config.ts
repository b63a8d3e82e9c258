/**
 * A container's Config at create: the request merged with its image's config by dockerd's
 * rules (daemon/commit.go `merge`), the fields inspect always shows filled in, and the command
 * it runs (Path and Args). Pure.
 */
import { badRequest } from '../api/api-error.js';
import type { ContainerConfig, HealthConfig } from '../images/image-types.js';
import type { CreateRequest } from './container-types.js';

export interface MergedConfig {
  config: ContainerConfig & { Healthcheck?: HealthConfig };
  path: string;
  args: string[];
}

export interface MergeConfigInput {
  request: CreateRequest;
  image: ContainerConfig;
  /** The image name as the request gave it (Config.Image). */
  imageName: string;
  id: string;
  /** Hostname for `host` networking without one of its own. */
  hostHostname: string;
}

/** Merges and validates; 400 when there is nothing to run. */
export function mergeConfig(input: MergeConfigInput): MergedConfig {
  const { request: r, image } = input;
  const env = mergeEnv(r.Env ?? [], image.Env ?? []);
  const labels = { ...(image.Labels ?? {}), ...(r.Labels ?? {}) };
  let cmd = r.Cmd ?? null;
  let entrypoint = r.Entrypoint ?? null;
  let argsEscaped = r.ArgsEscaped;
  // An empty entrypoint given as [] (or [""]) means "none", not "the image's".
  const entrypointGiven = Array.isArray(r.Entrypoint);
  if (!entrypointGiven || (entrypoint?.length ?? 0) === 0) {
    if (!entrypointGiven) entrypoint = image.Entrypoint ?? null;
    if ((cmd?.length ?? 0) === 0) {
      cmd = image.Cmd ?? null;
      argsEscaped = image.ArgsEscaped;
    }
  }
  if (entrypoint && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = [];
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw badRequest('No command specified');
  const network = r.HostConfig?.NetworkMode ?? '';
  const hostname = r.Hostname || (network === 'host' ? input.hostHostname : input.id.slice(0, 12));
  const config: MergedConfig['config'] = {
    Hostname: hostname,
    Domainname: r.Domainname ?? '',
    User: r.User || image.User || '',
    AttachStdin: r.AttachStdin ?? false,
    AttachStdout: r.AttachStdout ?? false,
    AttachStderr: r.AttachStderr ?? false,
    ExposedPorts: mergeSets(image.ExposedPorts, r.ExposedPorts),
    Tty: r.Tty ?? false,
    OpenStdin: r.OpenStdin ?? false,
    StdinOnce: r.StdinOnce ?? false,
    Env: env,
    Cmd: cmd,
    Image: input.imageName,
    Volumes: mergeSets(image.Volumes, r.Volumes),
    WorkingDir: r.WorkingDir || image.WorkingDir || '',
    Entrypoint: entrypoint,
    OnBuild: r.OnBuild ?? null,
    Labels: labels,
  };
  if (argsEscaped !== undefined) config.ArgsEscaped = argsEscaped;
  if (r.NetworkDisabled) config.NetworkDisabled = true;
  if (r.MacAddress) config.MacAddress = r.MacAddress;
  const stopSignal = r.StopSignal || image.StopSignal;
  if (stopSignal) config.StopSignal = stopSignal;
  if (r.StopTimeout !== undefined && r.StopTimeout !== null) config.StopTimeout = r.StopTimeout;
  if (r.Shell?.length) config.Shell = r.Shell;
  else if (image.Shell?.length) config.Shell = image.Shell;
  const health = mergeHealth(r.Healthcheck, image.Healthcheck);
  if (health) config.Healthcheck = health;
  return { config, path: argv[0] as string, args: argv.slice(1) };
}

/** Image variables the request does not set come after the request's. */
function mergeEnv(own: string[], image: string[]): string[] {
  if (own.length === 0) return [...image];
  const names = new Set(own.map((e) => e.split('=', 1)[0]));
  return [...own, ...image.filter((e) => !names.has(e.split('=', 1)[0]))];
}

function mergeSets(
  a: Record<string, Record<string, never>> | null | undefined,
  b: Record<string, Record<string, never>> | null | undefined,
): Record<string, Record<string, never>> | null {
  const out = { ...(a ?? {}), ...(b ?? {}) };
  return Object.keys(out).length > 0 ? out : null;
}

/** Field by field: what the request leaves unset comes from the image. */
function mergeHealth(
  own: HealthConfig | undefined,
  image: HealthConfig | undefined,
): HealthConfig | undefined {
  if (!own) return image ? { ...image } : undefined;
  if (!image) return { ...own };
  const out: HealthConfig = { ...own };
  if (!out.Test?.length && image.Test) out.Test = image.Test;
  if (!out.Interval && image.Interval) out.Interval = image.Interval;
  if (!out.Timeout && image.Timeout) out.Timeout = image.Timeout;
  if (!out.StartPeriod && image.StartPeriod) out.StartPeriod = image.StartPeriod;
  if (!out.StartInterval && image.StartInterval) out.StartInterval = image.StartInterval;
  if (!out.Retries && image.Retries) out.Retries = image.Retries;
  return out;
}
