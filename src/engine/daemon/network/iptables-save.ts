/**
 * Reading `iptables-save` output: which of our jumps are installed, and which host ports other
 * parties (dockerd without its userland proxy, another engine) already DNAT. Pure.
 */
import type { Jump } from './firewall-rules.js';
import type { Protocol } from './network-types.js';

/** Rule lines (`-A ...`) per table. */
export function parseIptablesSave(text: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = [];
      tables.set(line.slice(1).trim(), current);
    } else if (line.startsWith('-A ') && current) {
      current.push(line.trim());
    }
  }
  return tables;
}

/** The jumps among `jumps` present in the saved rules. */
export function installedJumps(tables: Map<string, string[]>, jumps: Jump[]): Jump[] {
  return jumps.filter((jump) => {
    const target = jump.spec.split(' -j ')[1];
    return (tables.get(jump.table) ?? []).some(
      (line) => line.startsWith(`-A ${jump.chain} `) && line.endsWith(` -j ${target}`),
    );
  });
}

/** A host port range some DNAT rule outside our chains takes. */
export interface ForeignDnat {
  protocol: Protocol;
  /** Destination address, or `0.0.0.0` when the rule matches any. */
  hostIp: string;
  from: number;
  to: number;
  chain: string;
}

/** DNAT rules of the nat table in chains not starting with `ownPrefix`. */
export function foreignDnatPorts(tables: Map<string, string[]>, ownPrefix: string): ForeignDnat[] {
  const result: ForeignDnat[] = [];
  for (const line of tables.get('nat') ?? []) {
    if (!line.includes('-j DNAT')) continue;
    const chain = line.split(' ')[1] ?? '';
    if (chain.startsWith(`${ownPrefix}-`)) continue;
    const protocol = /(?:^| )-p (tcp|udp)(?: |$)/.exec(line)?.[1] as Protocol | undefined;
    const port = /(?:^| )--dport (\d+)(?::(\d+))?/.exec(line);
    if (!protocol || !port) continue;
    const negated = / ! -d /.test(line);
    const destination = negated ? undefined : / -d (\d+\.\d+\.\d+\.\d+)(?:\/32)?(?: |$)/.exec(line)?.[1];
    const from = Number(port[1]);
    result.push({
      protocol,
      hostIp: destination ?? '0.0.0.0',
      from,
      to: port[2] ? Number(port[2]) : from,
      chain,
    });
  }
  return result;
}
