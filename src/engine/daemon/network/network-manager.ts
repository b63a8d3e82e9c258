/**
 * The engine's networks: records (create, inspect, list, remove, prune) and container
 * sandboxes (set up before a container starts, torn down when it stops, connect/disconnect
 * while it runs). Bridges, veths, iptables rules and aardvark-dns entries exist only while a
 * network has endpoints, so a host with no running container carries nothing of ours.
 * One instance per state root; changes run one at a time.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import { AardvarkDns } from './aardvark-dns.js';
import { connectEndpoint, disconnectEndpoint } from './endpoint-operations.js';
import { HostLinks } from './host-links.js';
import { readHostRoutes } from './host-routes.js';
import { IptablesFirewall } from './iptables-firewall.js';
import { cidrsOverlap, formatCidr, type Ipv4Cidr, parseCidr } from './ipv4.js';
import {
  type ApiNetwork,
  type ApiNetworkSettings,
  toApiNetwork,
  toApiNetworkSettings,
} from './network-api.js';
import { NetworkError } from './network-errors.js';
import { type FilterInput, matchesNetworkFilters, normalizeFilters } from './network-filters.js';
import { findNetwork } from './network-lookup.js';
import { buildNetworkRecord, predefinedNetworks } from './network-records.js';
import type {
  EndpointRecord,
  NetworkAttachment,
  NetworkCreateRequest,
  NetworkRecord,
  NetworkState,
  SandboxRecord,
  SandboxResult,
  SandboxSpec,
} from './network-types.js';
import type { PortProbe } from './port-allocator.js';
import { parseResolvConf } from './resolv-conf.js';
import type { SandboxContext } from './sandbox-context.js';
import { syncHost } from './sandbox-context.js';
import { sandboxResult } from './sandbox-files.js';
import { setUpSandbox, tearDownSandbox } from './sandbox-setup.js';
import { SerialQueue } from './serial-queue.js';
import { endpointDnsNames } from './state-view.js';
import { DEFAULT_POOLS, DEFAULT_RESERVED, type SubnetPool } from './subnet-pool.js';

export interface NetworkManagerOptions {
  /** The engine's state root; records go to `<root>/network`. */
  root: string;
  /** iptables chain prefix, unique per engine on a host (`DEV` → `DEV-FORWARD`, ...). */
  chainPrefix?: string;
  /** Netns names are `<prefix>-<container id 12>` under /run/netns. */
  netnsPrefix?: string;
  pools?: SubnetPool[];
  /** Blocks never allocated (besides host routes); default dockerd's 172.17.0.0/16. */
  reserved?: string[];
  /** A fixed subnet for the default `bridge` network; else the first free one of the pools. */
  defaultBridgeSubnet?: string;
  binaries?: { ip?: string; iptablesRestore?: string; iptablesSave?: string; aardvarkDns?: string };
  /** Port aardvark-dns listens on (53; containers' resolv.conf cannot name another). */
  dnsPort?: number;
  clock?: () => Date;
  randomHex?: (bytes: number) => string;
  hostResolvConfPath?: string;
  hostHostsPath?: string;
  procRoot?: string;
  sysRoot?: string;
  probe?: PortProbe;
}

/** Networks and container sandboxes of one engine. */
export class NetworkManager {
  private readonly statePath: string;
  private readonly state: NetworkState;
  private readonly queue = new SerialQueue();
  private readonly clock: () => Date;
  private readonly context: SandboxContext;
  private readonly pools: SubnetPool[];
  private readonly reserved: Ipv4Cidr[];
  private readonly procRoot: string;
  readonly firewall: IptablesFirewall;
  readonly dns: AardvarkDns;
  readonly links: HostLinks;

  constructor(options: NetworkManagerOptions) {
    const dir = join(options.root, 'network');
    this.statePath = join(dir, 'state.json');
    this.clock = options.clock ?? (() => new Date());
    this.pools = options.pools ?? DEFAULT_POOLS;
    this.reserved = (options.reserved ?? DEFAULT_RESERVED).flatMap((c) => parseCidr(c) ?? []);
    this.procRoot = options.procRoot ?? '/proc';
    const randomHex = options.randomHex ?? ((n: number) => randomBytes(n).toString('hex'));
    this.firewall = new IptablesFirewall({
      prefix: options.chainPrefix ?? 'DEV',
      restoreBinary: options.binaries?.iptablesRestore,
      saveBinary: options.binaries?.iptablesSave,
    });
    this.dns = new AardvarkDns({
      configDir: join(dir, 'aardvark'),
      stagingDir: join(dir, 'aardvark.staging'),
      binary: options.binaries?.aardvarkDns,
      port: options.dnsPort,
    });
    this.links = new HostLinks({
      ipBinary: options.binaries?.ip,
      procRoot: this.procRoot,
      sysRoot: options.sysRoot,
    });
    this.state = readJson<NetworkState>(this.statePath) ?? { version: 1, networks: {}, sandboxes: {} };
    const resolvPath = options.hostResolvConfPath ?? '/etc/resolv.conf';
    const hostsPath = options.hostHostsPath ?? '/etc/hosts';
    this.context = {
      state: this.state,
      save: () => this.save(),
      links: this.links,
      firewall: this.firewall,
      dns: this.dns,
      netnsPrefix: options.netnsPrefix ?? 'dev',
      randomHex,
      probe: options.probe,
      hostResolvConf: () => parseResolvConf(readText(resolvPath)),
      hostHosts: () => readText(hostsPath),
      findNetwork: (idOrName) => this.find(idOrName),
    };
    if (!Object.values(this.state.networks).some((n) => n.predefined)) {
      const created = this.clock().toISOString();
      const ids = { bridge: randomHex(32), host: randomHex(32), none: randomHex(32) };
      const context = { ids, created, existing: this.records(), avoid: this.avoid(), pools: this.pools };
      for (const record of predefinedNetworks({ ...context, defaultSubnet: options.defaultBridgeSubnet })) {
        this.state.networks[record.id] = record;
      }
      this.save();
    }
  }

  /** POST /networks/create. */
  createNetwork(request: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    return this.queue.run(async () => {
      const avoid = this.avoid();
      const record = buildNetworkRecord(request, {
        id: this.context.randomHex(32),
        created: this.clock().toISOString(),
        existing: this.records(),
        avoid,
        pools: this.pools,
      });
      this.state.networks[record.id] = record;
      this.save();
      // a subnet given by the user is taken as is (as Docker does), but a clash with the host's routes is worth saying
      const subnet = record.ipam?.userSubnet ? parseCidr(record.ipam.subnet) : undefined;
      const clash = subnet && avoid.find((block) => cidrsOverlap(block, subnet));
      const warning = clash
        ? `subnet ${record.ipam?.subnet} overlaps ${formatCidr(clash)}, routed on the host or reserved`
        : '';
      return { Id: record.id, Warning: warning };
    });
  }

  /** A network record by id, name or unique id prefix (in Docker's order); throws when missing or ambiguous. */
  find(idOrName: string): NetworkRecord {
    return findNetwork(this.records(), idOrName);
  }

  /** GET /networks/{id}. */
  inspect(idOrName: string): ApiNetwork {
    return toApiNetwork(this.find(idOrName), this.sandboxes());
  }

  /** GET /networks (Containers left empty, as Docker does). */
  list(filters?: FilterInput): ApiNetwork[] {
    const terms = normalizeFilters(filters);
    const now = this.clock();
    return this.records()
      .filter((n) => matchesNetworkFilters(n, terms, { inUse: this.inUse(n), now }))
      .map((n) => toApiNetwork(n, [], false));
  }

  /** DELETE /networks/{id}: refused for predefined networks and networks with endpoints. */
  removeNetwork(idOrName: string): Promise<void> {
    return this.queue.run(async () => {
      const network = this.find(idOrName);
      if (network.predefined) {
        throw new NetworkError(
          'NETWORK_PREDEFINED',
          `${network.name} is a pre-defined network and cannot be removed`,
          {
            hint: 'only networks you created can be removed',
          },
        );
      }
      if (this.inUse(network)) {
        throw new NetworkError(
          'NETWORK_IN_USE',
          `error while removing network: network ${network.name} id ${network.id} has active endpoints`,
          { hint: 'stop or disconnect its containers first' },
        );
      }
      delete this.state.networks[network.id];
      this.save();
      // a bridge left by a crash would otherwise stay forever
      if (network.bridge && this.links.linkExists(network.bridge))
        await this.links.hostBatch([`link del ${network.bridge}`], true);
    });
  }

  /** POST /networks/prune: custom networks without endpoints that pass the filters. */
  pruneNetworks(filters?: FilterInput): Promise<{ NetworksDeleted: string[] }> {
    return this.queue.run(async () => {
      const terms = normalizeFilters(filters);
      const now = this.clock();
      const deleted: string[] = [];
      for (const network of this.records()) {
        if (network.predefined || this.inUse(network)) continue;
        if (!matchesNetworkFilters(network, terms, { inUse: false, now })) continue;
        delete this.state.networks[network.id];
        deleted.push(network.name);
      }
      this.save();
      return { NetworksDeleted: deleted };
    });
  }

  /** Creates the container's netns and attaches it; the runtime joins `netnsPath` and writes the files. */
  setUpContainer(spec: SandboxSpec): Promise<SandboxResult> {
    return this.queue.run(() => setUpSandbox(this.context, spec));
  }

  /** Detaches the container and deletes its netns, ports and DNS names; a no-op when not set up. */
  tearDownContainer(containerId: string): Promise<void> {
    return this.queue.run(() => tearDownSandbox(this.context, containerId));
  }

  /** `docker network connect` on a set-up container. */
  connectContainer(
    containerId: string,
    attachment: NetworkAttachment,
  ): Promise<{ endpoint: EndpointRecord; warnings: string[] }> {
    return this.queue.run(() => connectEndpoint(this.context, containerId, attachment));
  }

  /** `docker network disconnect` on a set-up container. */
  disconnectContainer(containerId: string, network: string, force = false): Promise<void> {
    return this.queue.run(() => disconnectEndpoint(this.context, containerId, network, force));
  }

  /** The sandbox of a container as the runtime sees it, when set up. */
  sandbox(containerId: string): SandboxResult | undefined {
    const record = this.state.sandboxes[containerId];
    if (!record) return undefined;
    const files = {
      state: this.state,
      hostResolvConf: this.context.hostResolvConf(),
      hostHosts: this.context.hostHosts(),
    };
    return sandboxResult(record, files);
  }

  /** Ids of the containers with a sandbox. */
  sandboxIds(): string[] {
    return Object.keys(this.state.sandboxes);
  }

  /** `NetworkSettings` parts for a set-up container; `exposed` lists `80/tcp` keys shown without bindings. */
  networkSettings(containerId: string, exposed: string[] = []): ApiNetworkSettings | undefined {
    const record = this.state.sandboxes[containerId];
    if (!record) return undefined;
    return toApiNetworkSettings(record, this.state.networks, (e) => endpointDnsNames(record, e), exposed);
  }

  /**
   * After a daemon (re)start: forgets sandboxes whose netns is gone (the host rebooted, or
   * someone deleted it), then loads the firewall and DNS again from the records.
   */
  restore(): Promise<{ dropped: string[] }> {
    return this.queue.run(async () => {
      const dropped: string[] = [];
      for (const sandbox of this.sandboxes()) {
        if (sandbox.mode !== 'host' && sandbox.netnsPath && !existsSync(sandbox.netnsPath)) {
          delete this.state.sandboxes[sandbox.containerId];
          dropped.push(sandbox.containerId);
        }
      }
      this.save();
      // bridges outlive their endpoints only by accident (a netns deleted by hand): remove them
      const idle = this.records().filter(
        (n) => n.bridge && !this.inUse(n) && this.links.linkExists(n.bridge),
      );
      await this.links.hostBatch(
        idle.map((n) => `link del ${n.bridge}`),
        true,
      );
      this.firewall.invalidate();
      await syncHost(this.context);
      return { dropped };
    });
  }

  private records(): NetworkRecord[] {
    return Object.values(this.state.networks).sort(
      (a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name),
    );
  }

  private sandboxes(): SandboxRecord[] {
    return Object.values(this.state.sandboxes);
  }

  private inUse(network: NetworkRecord): boolean {
    return this.sandboxes().some((s) => s.endpoints.some((e) => e.networkId === network.id));
  }

  private avoid(): Ipv4Cidr[] {
    return [...readHostRoutes(join(this.procRoot, 'net/route')), ...this.reserved];
  }

  private save(): void {
    writeJsonAtomic(this.statePath, this.state);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
