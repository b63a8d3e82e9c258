/**
 * The host's links and namespaces through iproute2: batches in the host's namespace or a
 * container's, link and netns presence read from /sys and /run/netns (no spawn), and the
 * sysctls a live bridge needs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

export interface HostLinksOptions {
  ipBinary?: string;
  /** Where `ip netns add` puts namespaces (iproute2's NETNS_RUN_DIR). */
  netnsDir?: string;
  sysRoot?: string;
  procRoot?: string;
}

/** iproute2 and the kernel's view of links. */
export class HostLinks {
  readonly netnsDir: string;
  private readonly ip: string;
  private readonly sysRoot: string;
  private readonly procRoot: string;

  constructor(options: HostLinksOptions = {}) {
    this.ip = options.ipBinary ?? 'ip';
    this.netnsDir = options.netnsDir ?? '/run/netns';
    this.sysRoot = options.sysRoot ?? '/sys';
    this.procRoot = options.procRoot ?? '/proc';
  }

  /** Runs lines with `ip -batch` in the host's namespace; `force` goes on past failing lines (teardown). */
  async hostBatch(lines: string[], force = false): Promise<void> {
    if (lines.length === 0) return;
    const args = force ? ['-force', '-batch', '-'] : ['-batch', '-'];
    await runCommand(this.ip, args, { input: `${lines.join('\n')}\n`, allowFailure: force });
  }

  /** Runs lines with `ip -n <netns> -batch` inside a container's namespace. */
  async namespaceBatch(netns: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await runCommand(this.ip, ['-n', netns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  }

  /** Whether a link of that name exists in the host's namespace. */
  linkExists(name: string): boolean {
    return existsSync(join(this.sysRoot, 'class/net', name));
  }

  /** The persistent netns file of a name. */
  netnsPath(name: string): string {
    return join(this.netnsDir, name);
  }

  /** Whether the netns file exists. */
  netnsExists(name: string): boolean {
    return existsSync(this.netnsPath(name));
  }

  /**
   * A new bridge forwards and lets DNAT send 127.0.0.1-sourced packets (host connections to
   * 127.0.0.1-published ports) out of it; without route_localnet the kernel drops them as martians.
   */
  prepareBridge(name: string): void {
    this.writeSysctl(`net/ipv4/conf/${name}/route_localnet`, '1');
    this.writeSysctl('net/ipv4/ip_forward', '1');
  }

  private writeSysctl(key: string, value: string): void {
    const path = join(this.procRoot, 'sys', key);
    try {
      if (readFileSync(path, 'utf8').trim() === value) return;
    } catch {
      // unreadable: try writing anyway
    }
    writeFileSync(path, value);
  }
}
