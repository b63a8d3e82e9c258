/**
 * Linux capabilities as Docker grants them: a default set, `cap_add`/`cap_drop` with `ALL`,
 * and everything the kernel knows for privileged containers.
 */
import { RuntimeSpecError } from './runtime-errors.js';

/** Capability names in kernel number order (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
const CAPABILITIES_BY_NUMBER = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default set for unprivileged containers. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/**
 * Every capability the host can grant: known to the kernel (up to `cap_last_cap`) and in the
 * daemon's own bounding set (`CapBnd` of /proc/self/status, hex), since no process can pass on
 * more than it has — a daemon inside a restricted container may lack some.
 */
export function hostCapabilities(host: { capLastCap: number; capBounding?: string }): string[] {
  const bounding = host.capBounding === undefined ? undefined : BigInt(`0x${host.capBounding}`);
  return CAPABILITIES_BY_NUMBER.slice(0, Math.max(0, host.capLastCap) + 1).filter(
    (_, number) => bounding === undefined || ((bounding >> BigInt(number)) & 1n) === 1n,
  );
}

export interface ResolveCapabilitiesOptions {
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  /** What the host can grant (hostCapabilities). */
  available: readonly string[];
}

/**
 * The capability set of a container, Docker's way: privileged gets all; `drop ALL` keeps only
 * what is added; `add ALL` gets all minus the drops; otherwise defaults + adds − drops.
 * Unknown names throw RuntimeSpecError. Result sorted by name.
 */
export function resolveCapabilities(options: ResolveCapabilitiesOptions): string[] {
  const all = [...options.available];
  if (options.privileged) return [...all].sort();
  const add = (options.capAdd ?? []).map((name) => normalizeCapability(name, 'capAdd'));
  const drop = (options.capDrop ?? []).map((name) => normalizeCapability(name, 'capDrop'));
  const known = new Set<string>(CAPABILITIES_BY_NUMBER);
  let result: Set<string>;
  if (drop.includes('ALL')) {
    result = new Set(add.includes('ALL') ? all : add.filter((c) => c !== 'ALL'));
  } else if (add.includes('ALL')) {
    result = new Set(all.filter((c) => !drop.includes(c)));
  } else {
    result = new Set([...DEFAULT_CAPABILITIES, ...add].filter((c) => !drop.includes(c)));
  }
  for (const name of result) {
    if (!known.has(name)) {
      throw new RuntimeSpecError('capAdd', `unknown capability ${name}`, {
        hint: 'use names like NET_ADMIN or CAP_SYS_PTRACE (see capabilities(7))',
      });
    }
  }
  // Capabilities the host cannot grant are left out: runc would fail to apply them.
  const supported = new Set(all);
  return [...result].filter((c) => supported.has(c)).sort();
}

function normalizeCapability(name: string, field: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!/^CAP_[A-Z_]+$/.test(full)) throw new RuntimeSpecError(field, `invalid capability name "${name}"`);
  if (!(CAPABILITIES_BY_NUMBER as readonly string[]).includes(full)) {
    throw new RuntimeSpecError(field, `unknown capability ${full}`, {
      hint: 'use names like NET_ADMIN or CAP_SYS_PTRACE (see capabilities(7))',
    });
  }
  return full;
}
