/**
 * aardvark-dns configuration, one file per network: the first line lists the addresses it
 * listens on (the gateway), each other line a container: `<id> <ipv4s> <ipv6s> <names>
 * [<upstream resolvers>]`. aardvark 1.4 exits on a file it cannot parse, so names are
 * filtered to DNS-safe characters before they get here. Pure.
 */

export interface DnsEntry {
  containerId: string;
  ipv4: string;
  names: string[];
  /** Upstream resolvers for this container (`dns:`); empty: the host's. */
  dnsServers: string[];
}

/** The file text for one network. */
export function aardvarkConfigText(gateway: string, entries: DnsEntry[]): string {
  const lines = [gateway];
  for (const entry of entries) {
    const names = uniqueNames(entry.names);
    if (names.length === 0) continue;
    const servers = entry.dnsServers.length > 0 ? ` ${entry.dnsServers.join(',')}` : '';
    lines.push(`${entry.containerId} ${entry.ipv4}  ${names.join(',')}${servers}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Names a container answers to on a network: its name, the endpoint's aliases, its short id. */
export function dnsNamesFor(container: { id: string; name: string }, aliases: string[]): string[] {
  return uniqueNames([container.name, ...aliases, container.id.slice(0, 12)]);
}

/** Lower-cased, DNS-safe (letters, digits, `-`, `_`, `.`), without duplicates, in order. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  for (const raw of names) {
    const name = raw.toLowerCase().replace(/^\/+/, '');
    if (/^[a-z0-9_][a-z0-9_.-]*$/.test(name) && name.length <= 253) seen.add(name);
  }
  return [...seen];
}
