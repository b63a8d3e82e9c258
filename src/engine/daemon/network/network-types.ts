/**
 * Records the network part persists (networks, per-container sandboxes and their endpoints) and
 * the shapes it takes from and gives to the API layer and the runtime.
 */

/** A network as stored. `bridge` networks own a Linux bridge, created with their first endpoint. */
export interface NetworkRecord {
  /** 64 hex digits. */
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null';
  /** RFC 3339. */
  created: string;
  /** `bridge`, `host` and `none`: made by the engine, never removed. */
  predefined: boolean;
  labels: Record<string, string>;
  /** Driver options as given (`com.docker.network.bridge.name`, `...driver.mtu`, ...). */
  options: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  /** Embedded DNS (aardvark-dns): names of containers resolve; off for the default `bridge`, as in Docker. */
  dns: boolean;
  ipam?: NetworkIpam;
  /** Linux bridge name (`dv-<id12>` unless set by option). */
  bridge?: string;
  mtu?: number;
  /** Source NAT for traffic leaving the host (`enable_ip_masquerade`). */
  masquerade: boolean;
  /** Default host IP for port bindings without one (`host_binding_ipv4`). */
  hostBindingIpv4: string;
  /** The last address handed out: allocation goes round-robin so a freed address is not reused at once. */
  lastAddress?: string;
}

export interface NetworkIpam {
  driver: string;
  options: Record<string, string>;
  /** `10.89.0.0/24`. */
  subnet: string;
  gateway: string;
  /** Addresses for containers come from this block when set. */
  ipRange?: string;
  /** Reserved addresses by name (`AuxiliaryAddresses`). */
  auxAddresses: Record<string, string>;
  /** Whether the subnet was given by the user (Docker allows static addresses only then; we allow both). */
  userSubnet: boolean;
}

/** One container's attachment to one network. */
export interface EndpointRecord {
  networkId: string;
  /** 64 hex digits. */
  endpointId: string;
  /** Interface inside the container: `eth0`, `eth1`, ... */
  interface: string;
  /** Host end of the veth pair, enslaved to the bridge. */
  hostInterface: string;
  ipv4: string;
  prefixLength: number;
  gateway: string;
  mac: string;
  /** Names this endpoint answers to in DNS besides the container's name (service name, aliases). */
  aliases: string[];
  /** The address was asked for (`ipv4_address`), not allocated. */
  staticIpv4: boolean;
}

export type Protocol = 'tcp' | 'udp';

/** A published port as programmed: host side resolved (no zero, no range). */
export interface PortBinding {
  protocol: Protocol;
  containerPort: number;
  /** `0.0.0.0` for all host addresses, else one address. */
  hostIp: string;
  hostPort: number;
}

export type SandboxMode = 'bridge' | 'host' | 'none' | 'container';

/** A container's network namespace and what is attached to it, kept from setup to teardown. */
export interface SandboxRecord {
  containerId: string;
  /** Container name, without the leading `/`. */
  name: string;
  hostname: string;
  mode: SandboxMode;
  /** Persistent netns file (`/run/netns/<name>`); absent for `host` mode. */
  netnsPath?: string;
  /** For `container:<id>` mode: whose namespace is shared. */
  sharedWith?: string;
  /** In attachment order; the first non-internal one carries the default route and the published ports. */
  endpoints: EndpointRecord[];
  ports: PortBinding[];
  /** Upstream resolvers for this container (`dns:`), handed to aardvark-dns or written in resolv.conf. */
  dnsServers: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  domainname?: string;
}

/** Everything persisted, in one atomically written file. */
export interface NetworkState {
  version: 1;
  networks: Record<string, NetworkRecord>;
  sandboxes: Record<string, SandboxRecord>;
}

/** POST /networks/create, in the Docker API's shape. */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  CheckDuplicate?: boolean;
  IPAM?: {
    Driver?: string;
    Config?: {
      Subnet?: string;
      IPRange?: string;
      Gateway?: string;
      AuxiliaryAddresses?: Record<string, string>;
    }[];
    Options?: Record<string, string>;
  };
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** How a container joins a network. */
export interface NetworkAttachment {
  /** Network name, id or unique id prefix. */
  network: string;
  aliases?: string[];
  /** Static address (`ipv4_address`). */
  ipv4Address?: string;
  macAddress?: string;
}

/** A port to publish, as asked (Docker's `PortBindings` entry, one container port). */
export interface PortRequest {
  containerPort: number;
  protocol?: string;
  /** Empty or absent: the network's default (0.0.0.0). */
  hostIp?: string;
  /** Empty, absent or 0: an ephemeral port. `8000-8010`: the first free one of the range. */
  hostPort?: string | number;
}

/** What `setUpContainer` needs: the container's identity and its network config. */
export interface SandboxSpec {
  containerId: string;
  name: string;
  hostname?: string;
  domainname?: string;
  /** `bridge` (the default), `host`, `none`, `container:<id>`, or a network name (the first attachment). */
  networkMode?: string;
  /** Networks to attach, in priority order; defaults to the `bridge` network in bridge mode. */
  networks?: NetworkAttachment[];
  ports?: PortRequest[];
  /** `host:ip` or `host=ip`; `host-gateway` stands for the gateway of the first network. */
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

/** What the runtime gets back: where the namespace is and the files to write in the container. */
export interface SandboxResult {
  containerId: string;
  /** Join this netns; undefined for `host` mode (stay in the host's). */
  netnsPath: string | undefined;
  /** Contents of /etc/resolv.conf. */
  resolvConf: string;
  /** Contents of /etc/hosts. */
  hosts: string;
  /** Contents of /etc/hostname (with a newline). */
  hostnameFile: string;
  endpoints: EndpointRecord[];
  ports: PortBinding[];
  /** Things that did not stop the setup but are worth a log line. */
  warnings: string[];
}
