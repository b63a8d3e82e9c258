/**
 * Namespaces of a container and the sysctls they allow: a sysctl may be set only when the
 * namespace it belongs to is the container's own (net.* needs a network namespace, kernel.shm*
 * and fs.mqueue.* an IPC namespace), as Docker enforces.
 */
import type { OciNamespace } from './oci-spec.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { JoinNamespace, NamespacesSpec } from './runtime-spec.js';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

export interface BuildNamespacesInput {
  namespaces?: NamespacesSpec;
  /** cgroup v2 hosts get a private cgroup namespace, as Docker does there. */
  cgroupVersion: 1 | 2;
}

/** The OCI namespace list; joining a container needs its pid or a path. */
export function buildNamespaces(input: BuildNamespacesInput): OciNamespace[] {
  const ns = input.namespaces ?? {};
  const result: OciNamespace[] = [{ type: 'mount' }];
  const pid = ns.pid ?? { kind: 'private' };
  if (pid.kind === 'private') result.push({ type: 'pid' });
  else if (pid.kind === 'container')
    result.push({ type: 'pid', path: joinPath(pid, 'pid', 'namespaces.pid') });

  const net = ns.network ?? { kind: 'new' };
  if (net.kind === 'new') result.push({ type: 'network' });
  else if (net.kind === 'path') result.push({ type: 'network', path: net.path });

  const ipc = ns.ipc ?? { kind: 'private' };
  if (ipc.kind === 'private' || ipc.kind === 'shareable') result.push({ type: 'ipc' });
  else if (ipc.kind === 'container')
    result.push({ type: 'ipc', path: joinPath(ipc, 'ipc', 'namespaces.ipc') });

  if ((ns.uts ?? 'private') === 'private') result.push({ type: 'uts' });
  if (input.cgroupVersion === 2) result.push({ type: 'cgroup' });
  return result;
}

/** Checks each sysctl belongs to a namespace the container owns; returns them unchanged. */
export function checkSysctls(
  sysctls: Record<string, string> | undefined,
  namespaces: NamespacesSpec | undefined,
): Record<string, string> | undefined {
  if (!sysctls || Object.keys(sysctls).length === 0) return undefined;
  const hostIpc = namespaces?.ipc?.kind === 'host';
  const hostNet = namespaces?.network?.kind === 'host';
  const hostUts = namespaces?.uts === 'host';
  for (const key of Object.keys(sysctls)) {
    const field = `sysctls.${key}`;
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (hostIpc) throw new RuntimeSpecError(field, 'needs a private IPC namespace, not ipc=host');
    } else if (key.startsWith('net.')) {
      if (hostNet) throw new RuntimeSpecError(field, 'needs a private network namespace, not network=host');
    } else if (key === 'kernel.domainname') {
      if (hostUts) throw new RuntimeSpecError(field, 'needs a private UTS namespace, not uts=host');
    } else {
      throw new RuntimeSpecError(field, 'is not namespaced and cannot be set per container', {
        hint: 'only net.*, fs.mqueue.*, kernel.msg*/sem/shm* and kernel.domainname can be set',
      });
    }
  }
  return { ...sysctls };
}

function joinPath(target: JoinNamespace, kind: string, field: string): string {
  if (target.path) return target.path;
  if (target.pid !== undefined) return `/proc/${target.pid}/ns/${kind}`;
  throw new RuntimeSpecError(field, 'joining a container needs its pid or a namespace path');
}
