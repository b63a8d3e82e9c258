/**
 * What the API routes share: the engine's parts, composed once by the daemon. Routes get this
 * context and nothing global.
 */
import type { EventBus } from './events/event-bus.js';
import type { ImageService } from './images/image-service.js';
import type { ContainerConfig } from './images/image-types.js';
import type { NetworkManager } from './network/network-manager.js';
import type { Runtime } from './runtime/index.js';
import type { VolumeManager } from './volumes/volume-manager.js';

/** The container part, as the other parts need it (counts, image and volume use, shutdown). */
export interface ContainersView {
  /** Ids and states of all containers, for `info`, `system df` and image/volume conflicts. */
  summaries(): { id: string; name: string; imageId: string; running: boolean; volumes: string[] }[];
  /**
   * For POST /commit: the container's full id, its `Config` as inspect shows it, and whether it
   * runs (it is paused while its changes are read); undefined when there is no such container.
   */
  commitSource?(idOrName: string): { id: string; config: ContainerConfig; running: boolean } | undefined;
  /** For GET /system/df: the entries of GET /containers/json?all=1&size=1 (else built from summaries). */
  diskUsage?(): Promise<Record<string, unknown>[]>;
  /**
   * POST /networks/{id}/connect: `container` and `network` as the client named them; a running
   * container joins now, a stopped one at its next start. Errors carry the HTTP `status`.
   */
  connectNetwork?(container: string, network: string, config: EndpointConfigRequest): Promise<void>;
  /** POST /networks/{id}/disconnect. */
  disconnectNetwork?(container: string, network: string, force: boolean): Promise<void>;
}

/** `EndpointConfig` of POST /networks/{id}/connect (and of container create's `NetworkingConfig`). */
export interface EndpointConfigRequest {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
}

export interface DaemonContext {
  /** The state root. */
  root: string;
  /** The engine's version (dev's version), shown by `version` and `info`. */
  version: string;
  /** The newest API version served; requests may ask for older ones. */
  apiVersion: string;
  /** The oldest API version served. */
  minApiVersion: string;
  images: ImageService;
  runtime: Runtime;
  networks: NetworkManager;
  volumes: VolumeManager;
  events: EventBus;
  containers: ContainersView;
  /** Started at (ms). */
  startedAt: number;
  /** Writes a line to the daemon's log. */
  log: (line: string) => void;
}
