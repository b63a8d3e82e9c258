/**
 * The Engine contract over the Docker Engine API: dockerd, Podman's compat API, Colima, remote
 * hosts and dev's bundled engine are all this one client at different endpoints.
 */
import { readFileSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import type { ObservedContainer, ObservedState } from '../../model/observed.js';
import type {
  AttachStreams,
  BuildSpec,
  ContainerDetails,
  ContainerFilter,
  ContainerNetworkAttachment,
  ContainerSpec,
  Engine,
  EngineEvent,
  EngineInfo,
  ExecSpec,
  LogLine,
  LogOptions,
  NetworkCreateSpec,
  OnProgress,
  PathStat,
  ResourceNames,
  VolumeCreateSpec,
} from '../engine.js';
import type { DockerClient } from './docker-client.js';
import * as containers from './engine-containers.js';
import type { EngineContext } from './engine-context.js';
import * as images from './engine-images.js';
import * as resources from './engine-resources.js';
import * as streams from './engine-streams.js';
import type { RegistryAuthOptions } from './registry-auth.js';

/** The client to speak through, what it is, and where credentials and files come from. */
export interface DockerApiEngineOptions {
  /** A client whose API version is negotiated. */
  client: DockerClient;
  info: EngineInfo;
  env?: Record<string, string | undefined>;
  homedir?: string;
  readFile?: (path: string) => string;
  /** Runs `docker-credential-<helper> get`; see registry-auth.ts. */
  runCredentialHelper?: RegistryAuthOptions['runHelper'];
}

/** An Engine speaking the Docker Engine API through one client. */
export class DockerApiEngine implements Engine {
  readonly info: EngineInfo;
  private readonly ctx: EngineContext;

  constructor(options: DockerApiEngineOptions) {
    this.info = options.info;
    this.ctx = {
      client: options.client,
      info: options.info,
      auth: {
        env: options.env ?? process.env,
        homedir: options.homedir ?? osHomedir(),
        ...(options.runCredentialHelper ? { runHelper: options.runCredentialHelper } : {}),
      },
      readFile: options.readFile ?? ((path) => readFileSync(path, 'utf8')),
    };
  }

  /** The underlying API client, for calls beyond the contract (and tests asserting raw engine state). */
  get api(): DockerClient {
    return this.ctx.client;
  }

  /** Closes idle connections, so a short-lived process can exit at once. */
  close(): void {
    this.ctx.client.close();
  }

  observe(project: string, refs: string[], names?: ResourceNames): Promise<ObservedState> {
    return resources.observeProject(this.ctx, project, refs, names);
  }

  inspectImage(ref: string): Promise<{ id: string; labels: Record<string, string> } | undefined> {
    return images.inspectImage(this.ctx, ref);
  }
  pullImage(ref: string, onProgress?: OnProgress): Promise<void> {
    return images.pullImage(this.ctx, ref, onProgress);
  }
  buildImage(spec: BuildSpec, onProgress?: OnProgress): Promise<string> {
    return images.buildImage(this.ctx, spec, onProgress);
  }
  pushImage(ref: string, onProgress?: OnProgress): Promise<void> {
    return images.pushImage(this.ctx, ref, onProgress);
  }
  removeImage(ref: string, force?: boolean): Promise<void> {
    return images.removeImage(this.ctx, ref, force);
  }
  tagImage(source: string, target: string): Promise<void> {
    return images.tagImage(this.ctx, source, target);
  }
  listImages(labels?: string[]): Promise<{ id: string; tags: string[]; size: number; created: number }[]> {
    return images.listImages(this.ctx, labels);
  }

  createNetwork(name: string, config: NetworkCreateSpec): Promise<string> {
    return resources.createNetwork(this.ctx, name, config);
  }
  removeNetwork(name: string): Promise<void> {
    return resources.removeNetwork(this.ctx, name);
  }
  connectNetwork(network: string, container: string, attachment: ContainerNetworkAttachment): Promise<void> {
    return resources.connectNetwork(this.ctx, network, container, attachment);
  }
  disconnectNetwork(network: string, container: string, force?: boolean): Promise<void> {
    return resources.disconnectNetwork(this.ctx, network, container, force);
  }
  createVolume(name: string, config: VolumeCreateSpec): Promise<void> {
    return resources.createVolume(this.ctx, name, config);
  }
  removeVolume(name: string, force?: boolean): Promise<void> {
    return resources.removeVolume(this.ctx, name, force);
  }

  listContainers(filter: ContainerFilter): Promise<ObservedContainer[]> {
    return containers.listContainers(this.ctx, filter);
  }
  createContainer(spec: ContainerSpec): Promise<string> {
    return containers.createContainer(this.ctx, spec);
  }
  inspectContainer(id: string): Promise<ContainerDetails | undefined> {
    return containers.inspectContainer(this.ctx, id);
  }
  startContainer(id: string): Promise<void> {
    return containers.containerAction(this.ctx, id, 'start');
  }
  stopContainer(id: string, timeout?: number): Promise<void> {
    return containers.containerAction(this.ctx, id, 'stop', { t: timeout });
  }
  restartContainer(id: string, timeout?: number): Promise<void> {
    return containers.containerAction(this.ctx, id, 'restart', { t: timeout });
  }
  killContainer(id: string, signal?: string): Promise<void> {
    return containers.containerAction(this.ctx, id, 'kill', { signal });
  }
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<void> {
    return containers.removeContainer(this.ctx, id, options);
  }
  renameContainer(id: string, name: string): Promise<void> {
    return containers.containerAction(this.ctx, id, 'rename', { name });
  }
  pauseContainer(id: string): Promise<void> {
    return containers.containerAction(this.ctx, id, 'pause');
  }
  unpauseContainer(id: string): Promise<void> {
    return containers.containerAction(this.ctx, id, 'unpause');
  }
  waitContainer(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<number> {
    return containers.waitContainer(this.ctx, id, condition);
  }
  top(id: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }> {
    return containers.topContainer(this.ctx, id, psArgs);
  }

  logs(id: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine> {
    return streams.containerLogs(this.ctx, id, options, signal);
  }
  exec(id: string, spec: ExecSpec): Promise<number> {
    return streams.execInContainer(this.ctx, id, spec);
  }
  attach(id: string, io: AttachStreams, signal?: AbortSignal): Promise<void> {
    return streams.attachContainer(this.ctx, id, io, signal);
  }
  statPath(id: string, path: string): Promise<PathStat | undefined> {
    return streams.statPath(this.ctx, id, path);
  }
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream> {
    return streams.getArchive(this.ctx, id, path);
  }
  putArchive(id: string, path: string, tar: NodeJS.ReadableStream | Buffer): Promise<void> {
    return streams.putArchive(this.ctx, id, path, tar);
  }
  events(
    filters: { labels?: string[]; since?: string; until?: string },
    signal?: AbortSignal,
  ): AsyncIterable<EngineEvent> {
    return streams.engineEvents(this.ctx, filters, signal);
  }
}
