/**
 * The iptables rules of this engine, computed from scratch from the active networks and
 * published ports. They live in chains of our own (named after a prefix, so several engines
 * and dockerd coexist); the built-in chains only get one jump each. The whole set is loaded
 * with one `iptables-restore --noflush`: declaring a chain flushes it, so each load replaces
 * our rules atomically per table and never touches anyone else's. Pure.
 */
import type { Protocol } from './network-types.js';

/** A network with a live bridge. */
export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  masquerade: boolean;
  /** aardvark-dns listens on the gateway: only this network's containers may ask it. */
  dns: boolean;
}

/** A published port: host side to a container address. */
export interface FirewallForward {
  protocol: Protocol;
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface ChainNames {
  forward: string;
  isolation: string;
  input: string;
  ports: string;
  postrouting: string;
}

/** A jump from a built-in chain into one of ours. */
export interface Jump {
  table: 'filter' | 'nat';
  chain: string;
  /** Insert first (filter: ahead of anything that could drop our traffic) or append. */
  insert: boolean;
  /** Match and target, as in a rule after `-A <chain>`. */
  spec: string;
}

const COMMENT = '-m comment --comment dev-engine';

/** Chain names for a prefix (`DEV` → `DEV-FORWARD`, ...); iptables allows 28 characters. */
export function chainNames(prefix: string): ChainNames {
  return {
    forward: `${prefix}-FORWARD`,
    isolation: `${prefix}-ISOLATION`,
    input: `${prefix}-INPUT`,
    ports: `${prefix}-PORTS`,
    postrouting: `${prefix}-POSTROUTING`,
  };
}

/** The five jumps that route traffic through our chains. */
export function jumpsFor(chains: ChainNames): Jump[] {
  const local = '-m addrtype --dst-type LOCAL';
  return [
    { table: 'filter', chain: 'FORWARD', insert: true, spec: `${COMMENT} -j ${chains.forward}` },
    { table: 'filter', chain: 'INPUT', insert: true, spec: `${COMMENT} -j ${chains.input}` },
    { table: 'nat', chain: 'PREROUTING', insert: false, spec: `${local} ${COMMENT} -j ${chains.ports}` },
    { table: 'nat', chain: 'OUTPUT', insert: false, spec: `${local} ${COMMENT} -j ${chains.ports}` },
    { table: 'nat', chain: 'POSTROUTING', insert: false, spec: `${COMMENT} -j ${chains.postrouting}` },
  ];
}

/** The `-A` lines of our chains, per table. */
export function buildChainRules(
  chains: ChainNames,
  networks: FirewallNetwork[],
  forwards: FirewallForward[],
): { filter: string[]; nat: string[] } {
  const f = chains.forward;
  const filter: string[] = [];
  // replies and published ports first: isolation below must not drop them
  for (const n of networks.filter((x) => !x.internal)) {
    filter.push(`-A ${f} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    filter.push(`-A ${f} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`);
  }
  // br_netfilter sends bridged traffic through FORWARD too: containers of one network talk freely
  for (const n of networks) filter.push(`-A ${f} -i ${n.bridge} -o ${n.bridge} -j ACCEPT`);
  for (const n of networks) {
    if (n.internal) {
      filter.push(`-A ${f} -i ${n.bridge} -j DROP`);
    } else {
      filter.push(`-A ${f} -i ${n.bridge} -j ${chains.isolation}`);
      filter.push(`-A ${f} -i ${n.bridge} -j ACCEPT`);
    }
  }
  for (const n of networks) filter.push(`-A ${f} -o ${n.bridge} -j DROP`);
  for (const n of networks) filter.push(`-A ${chains.isolation} -o ${n.bridge} -j DROP`);

  const i = chains.input;
  if (networks.length > 0) filter.push(`-A ${i} -i lo -j RETURN`);
  for (const n of networks) {
    // route_localnet is on for the bridge (127.0.0.1 ports): replies to the host's connections come back
    // to 127.0.0.1 through it, but nothing may start a connection to the host's loopback that way
    filter.push(`-A ${i} -i ${n.bridge} -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP`);
    if (!n.dns) continue;
    for (const proto of ['udp', 'tcp']) {
      filter.push(`-A ${i} -i ${n.bridge} -d ${n.gateway}/32 -p ${proto} -m ${proto} --dport 53 -j ACCEPT`);
      filter.push(`-A ${i} -d ${n.gateway}/32 -p ${proto} -m ${proto} --dport 53 -j DROP`);
    }
  }

  const nat: string[] = [];
  for (const fw of forwards) {
    const destination = fw.hostIp === '0.0.0.0' ? '' : ` -d ${fw.hostIp}/32`;
    nat.push(
      `-A ${chains.ports}${destination} -p ${fw.protocol} -m ${fw.protocol} --dport ${fw.hostPort}` +
        ` -j DNAT --to-destination ${fw.containerIp}:${fw.containerPort}`,
    );
  }
  const p = chains.postrouting;
  for (const n of networks) {
    if (!n.internal && n.masquerade) nat.push(`-A ${p} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
    nat.push(`-A ${p} -s 127.0.0.0/8 -o ${n.bridge} -j MASQUERADE`);
    // hairpin: a container reaching a published port of its own network must see the reply come back via the host
    nat.push(`-A ${p} -s ${n.subnet} -o ${n.bridge} -m conntrack --ctstate DNAT -j MASQUERADE`);
  }
  return { filter, nat };
}

export interface RestoreInputOptions {
  chains: ChainNames;
  rules: { filter: string[]; nat: string[] };
  /** Jumps to add (those not found installed). */
  addJumps: Jump[];
}

/** `iptables-restore --noflush` input that (re)creates our chains with `rules` and adds missing jumps. */
export function buildRestoreInput(options: RestoreInputOptions): string {
  const { chains } = options;
  const sections: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const own =
      table === 'filter'
        ? [chains.forward, chains.isolation, chains.input]
        : [chains.ports, chains.postrouting];
    const lines = [`*${table}`, ...own.map((c) => `:${c} - [0:0]`), ...options.rules[table]];
    for (const jump of options.addJumps.filter((j) => j.table === table)) {
      lines.push(jump.insert ? `-I ${jump.chain} 1 ${jump.spec}` : `-A ${jump.chain} ${jump.spec}`);
    }
    lines.push('COMMIT');
    sections.push(lines.join('\n'));
  }
  return `${sections.join('\n')}\n`;
}

/** `iptables-restore --noflush` input that deletes the given jumps, then our chains. */
export function buildRemovalInput(chains: ChainNames, installed: Jump[]): string {
  const sections: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const own =
      table === 'filter'
        ? [chains.forward, chains.isolation, chains.input]
        : [chains.ports, chains.postrouting];
    const lines = [`*${table}`];
    for (const jump of installed.filter((j) => j.table === table))
      lines.push(`-D ${jump.chain} ${jump.spec}`);
    // declaring flushes them, so no rule references another when they are deleted
    for (const chain of own) lines.push(`:${chain} - [0:0]`);
    for (const chain of own) lines.push(`-X ${chain}`);
    lines.push('COMMIT');
    sections.push(lines.join('\n'));
  }
  return `${sections.join('\n')}\n`;
}
