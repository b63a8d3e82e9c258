/**
 * The container runtime's public surface, for the daemon's API layer: one Runtime per state
 * root, the RuntimeSpec it runs, and the types its operations return.
 */
export type { AttachOptions, AttachSession } from './attach-session.js';
export type { BlkioEntry, ContainerStats } from './cgroup-stats.js';
export type { ContainerState, ContainerStatus, ExitInfo } from './container-table.js';
export type { ExecSession, ExecSpec, OutputChunk } from './exec-session.js';
export { type HostInfo, probeHost } from './host-probe.js';
export { type LogEntry, parseTimeFilter } from './k8s-log.js';
export type { TopResult } from './list-processes.js';
export type { ReadLogsOptions } from './log-reader.js';
export type { RecoverResult } from './recover-containers.js';
export { Runtime } from './runtime.js';
export {
  ContainerNotFoundError,
  ContainerStateError,
  OciRuntimeError,
  RuntimeSpecError,
  RuntimeUnavailableError,
} from './runtime-errors.js';
export type { CreateResult, RuntimeOptions, StopOptions } from './runtime-options.js';
export type * from './runtime-spec.js';
export type { BridgeTool } from './stdin-bridge.js';
