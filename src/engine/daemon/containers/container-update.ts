/**
 * POST /containers/{id}/update: the restart policy and resource limits. The record changes
 * (the next start builds its runtime bundle from it); a running container's cgroup is changed
 * at once with `runc update`, as dockerd has containerd do.
 */
import { execFile } from 'node:child_process';
import { ApiError, badRequest } from '../api/api-error.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import type { HostConfig } from './container-types.js';
import { validateHostConfig } from './host-config.js';

const RESOURCE_FIELDS = [
  'Memory',
  'MemoryReservation',
  'MemorySwap',
  'NanoCpus',
  'CpuShares',
  'CpuQuota',
  'CpuPeriod',
  'CpusetCpus',
  'CpusetMems',
  'PidsLimit',
  'BlkioWeight',
  'CpuRealtimePeriod',
  'CpuRealtimeRuntime',
  'KernelMemory',
] as const;

/** Applies the update; returns Docker's `Warnings`. */
export async function updateContainer(
  core: ContainerCore,
  live: LiveContainer,
  body: HostConfig,
): Promise<{ Warnings: string[] }> {
  return core.locked(live, async () => {
    const r = live.record;
    const next: Record<string, unknown> & HostConfig = { ...r.hostConfig };
    for (const field of RESOURCE_FIELDS) {
      const value: unknown = body[field];
      if (value !== undefined && value !== null) next[field as string] = value;
    }
    if (body.RestartPolicy?.Name !== undefined) {
      next.RestartPolicy = {
        Name: body.RestartPolicy.Name || 'no',
        MaximumRetryCount: body.RestartPolicy.MaximumRetryCount ?? 0,
      };
    }
    if (
      body.Memory &&
      body.MemorySwap === undefined &&
      (next.MemorySwap ?? 0) > 0 &&
      body.Memory > (next.MemorySwap ?? 0)
    ) {
      throw badRequest(
        'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
      );
    }
    validateHostConfig(next);
    const warnings: string[] = [];
    const state = core.runtimeState(live);
    if (state?.status === 'running' || state?.status === 'paused') {
      await applyLive(core, r.id, next, body, warnings);
    }
    r.hostConfig = next;
    core.save(live);
    core.publish(live, 'update');
    return { Warnings: warnings };
  });
}

async function applyLive(
  core: ContainerCore,
  id: string,
  h: HostConfig,
  body: HostConfig,
  warnings: string[],
): Promise<void> {
  const runtime = core.ctx.runtime;
  const oci = runtime.ociRuntime;
  if (!oci) return;
  const args: string[] = [];
  const given = (field: keyof HostConfig) => body[field] !== undefined && body[field] !== null;
  if (given('Memory') && (h.Memory ?? 0) > 0) args.push('--memory', String(h.Memory));
  if (given('MemoryReservation')) args.push('--memory-reservation', String(h.MemoryReservation));
  if ((given('MemorySwap') || given('Memory')) && h.MemorySwap) {
    if (runtime.host.swapLimit) args.push('--memory-swap', String(h.MemorySwap));
    else
      warnings.push(
        'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
      );
  }
  if (given('NanoCpus') && h.NanoCpus) {
    const period = h.CpuPeriod || 100_000;
    args.push('--cpu-period', String(period), '--cpu-quota', String(Math.round((h.NanoCpus * period) / 1e9)));
  }
  if (given('CpuQuota')) args.push('--cpu-quota', String(h.CpuQuota));
  if (given('CpuPeriod') && !h.NanoCpus) args.push('--cpu-period', String(h.CpuPeriod));
  if (given('CpuShares') && h.CpuShares) args.push('--cpu-share', String(h.CpuShares));
  if (given('CpusetCpus')) args.push('--cpuset-cpus', String(h.CpusetCpus));
  if (given('CpusetMems')) args.push('--cpuset-mems', String(h.CpusetMems));
  if (given('PidsLimit')) args.push('--pids-limit', String((h.PidsLimit ?? 0) > 0 ? h.PidsLimit : -1));
  if (given('BlkioWeight') && h.BlkioWeight) args.push('--blkio-weight', String(h.BlkioWeight));
  if (args.length === 0) return;
  await new Promise<void>((resolve, reject) => {
    execFile(oci.path, [...oci.globalArgs(), 'update', ...args, id], (error, _stdout, stderr) => {
      if (error)
        reject(new ApiError(500, `Cannot update container ${id}: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}
