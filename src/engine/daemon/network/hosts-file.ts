/**
 * /etc/hosts for a container: the usual localhost lines, `extra_hosts`, then the container's
 * own address with its hostname, in Docker's order. `host-gateway` in extra hosts stands for
 * the gateway of the container's first network. Pure.
 */
import { NetworkError } from './network-errors.js';

export interface HostEntry {
  host: string;
  ip: string;
}

const LOCAL_LINES = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** Parses `host:ip` and `host=ip` (compose allows both); `host-gateway` becomes `hostGateway`. */
export function parseExtraHosts(entries: string[], hostGateway: string | undefined): HostEntry[] {
  return entries.map((entry) => {
    const match = /^([^:=\s]+)[:=](.+)$/.exec(entry.trim());
    if (!match?.[1] || !match[2]) {
      throw new NetworkError('NETWORK_INVALID', `invalid extra host ${JSON.stringify(entry)}`, {
        hint: 'write extra hosts as host:ip (or host=ip)',
      });
    }
    let ip = match[2].replace(/^\[(.*)\]$/, '$1');
    if (ip === 'host-gateway') {
      if (!hostGateway) {
        throw new NetworkError('NETWORK_INVALID', `no gateway for host-gateway in ${entry}`, {
          hint: 'host-gateway needs the container on a bridge network',
        });
      }
      ip = hostGateway;
    }
    return { host: match[1], ip };
  });
}

export interface BuildHostsOptions {
  hostname: string;
  domainname?: string;
  /** The container's primary address; absent without a network. */
  address?: string;
  extraHosts: HostEntry[];
  /** Host mode: the host's own /etc/hosts replaces the localhost lines. */
  base?: string;
}

/** The file text. */
export function buildHostsFile(options: BuildHostsOptions): string {
  const lines = options.base !== undefined ? [options.base.trimEnd()] : [...LOCAL_LINES];
  for (const entry of options.extraHosts) lines.push(`${entry.ip}\t${entry.host}`);
  if (options.address) {
    const fqdn = options.domainname ? `${options.hostname}.${options.domainname} ` : '';
    lines.push(`${options.address}\t${fqdn}${options.hostname}`);
  }
  return `${lines.join('\n')}\n`;
}
