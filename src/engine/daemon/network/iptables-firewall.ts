/**
 * Keeps this engine's iptables rules equal to what the active networks and published ports
 * need: each change recomputes the whole set and loads it with one `iptables-restore`
 * (skipped when nothing changed); with no active network the chains and jumps are removed, so
 * the host is left as found. Kernel rules keep working while the daemon is stopped.
 */
import {
  buildChainRules,
  buildRemovalInput,
  buildRestoreInput,
  type ChainNames,
  chainNames,
  type FirewallForward,
  type FirewallNetwork,
  type Jump,
  jumpsFor,
} from './firewall-rules.js';
import { installedJumps, parseIptablesSave } from './iptables-save.js';
import { runCommand } from './run-command.js';

export interface IptablesFirewallOptions {
  /** Chain prefix, unique per engine on the host (`DEV`). */
  prefix: string;
  restoreBinary?: string;
  saveBinary?: string;
}

/** Our chains in iptables, loaded as a whole. */
export class IptablesFirewall {
  readonly prefix: string;
  readonly chains: ChainNames;
  private readonly restoreBinary: string;
  private readonly saveBinary: string;
  private readonly jumps: Jump[];
  /** Jumps known installed; undefined until read from the host once. */
  private installed: Jump[] | undefined;
  /** Rules loaded last by this object ('' = removed); undefined until the first load. */
  private applied: string | undefined;

  constructor(options: IptablesFirewallOptions) {
    this.prefix = options.prefix;
    this.chains = chainNames(options.prefix);
    this.restoreBinary = options.restoreBinary ?? 'iptables-restore';
    this.saveBinary = options.saveBinary ?? 'iptables-save';
    this.jumps = jumpsFor(this.chains);
  }

  /** Makes the host's rules those for `networks` and `forwards`; removes everything when both are empty. */
  async apply(networks: FirewallNetwork[], forwards: FirewallForward[]): Promise<void> {
    if (networks.length === 0 && forwards.length === 0) return this.remove();
    const rules = buildChainRules(this.chains, networks, forwards);
    const key = [...rules.filter, ...rules.nat].join('\n');
    if (key === this.applied) return;
    try {
      await this.load(rules);
    } catch {
      // someone may have removed our jumps or chains behind our back: read the host again, once
      this.installed = undefined;
      await this.load(rules);
    }
    this.applied = key;
  }

  /** Removes our jumps and chains, whatever this object believes is installed. */
  async remove(): Promise<void> {
    if (this.applied === '') return;
    const text = await this.saveText();
    const installed = installedJumps(parseIptablesSave(text), this.jumps);
    const chainsExist = Object.values(this.chains).some((c) => text.includes(`:${c} `));
    if (installed.length > 0 || chainsExist) {
      await runCommand(this.restoreBinary, ['-w', '--noflush'], {
        input: buildRemovalInput(this.chains, installed),
      });
    }
    this.installed = [];
    this.applied = '';
  }

  /** The host's rules as `iptables-save` prints them (all tables). */
  async saveText(): Promise<string> {
    return (await runCommand(this.saveBinary, [])).stdout;
  }

  /** Forgets what was loaded, so the next `apply` loads again (after a restart, or to repair). */
  invalidate(): void {
    this.applied = undefined;
    this.installed = undefined;
  }

  private async load(rules: { filter: string[]; nat: string[] }): Promise<void> {
    if (this.installed === undefined) {
      this.installed = installedJumps(parseIptablesSave(await this.saveText()), this.jumps);
    }
    const have = new Set(this.installed.map((j) => `${j.table} ${j.chain} ${j.spec}`));
    const addJumps = this.jumps.filter((j) => !have.has(`${j.table} ${j.chain} ${j.spec}`));
    const input = buildRestoreInput({ chains: this.chains, rules, addJumps });
    await runCommand(this.restoreBinary, ['-w', '--noflush'], { input });
    this.installed = [...this.jumps];
  }
}
