/**
 * Exec instances (POST /containers/{id}/exec, /exec/{id}/start, /exec/{id}/json): created
 * first, started once, inspectable until their container is removed. Finished ones beyond a
 * small number per container are forgotten, as dockerd does not keep them forever either.
 */
import { ApiError, conflict } from '../api/api-error.js';
import type { ExecSession } from '../runtime/index.js';

/** The body of POST /containers/{id}/exec. */
export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  Env?: string[] | null;
  Cmd?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export interface ExecInstance {
  id: string;
  containerId: string;
  config: ExecConfig;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
  session?: ExecSession;
}

const KEEP_FINISHED = 32;

/** Exec instances of one engine. */
export class ExecRegistry {
  private readonly byId = new Map<string, ExecInstance>();

  add(instance: ExecInstance): void {
    this.byId.set(instance.id, instance);
    const finished = [...this.byId.values()].filter(
      (e) => e.containerId === instance.containerId && e.started && !e.running,
    );
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.byId.delete(old.id);
  }

  /** 404 `No such exec instance` when unknown. */
  get(id: string): ExecInstance {
    const instance = this.byId.get(id);
    if (!instance) throw new ApiError(404, `No such exec instance: ${id}`);
    return instance;
  }

  /** Marks it started; 409 when it was already. */
  claim(id: string): ExecInstance {
    const instance = this.get(id);
    if (instance.started) {
      throw conflict(
        `Error: Exec command ${id} ${instance.running ? 'is already running' : 'has already run'}`,
      );
    }
    instance.started = true;
    return instance;
  }

  /** Ids of a container's execs (inspect's ExecIDs). */
  idsOf(containerId: string): string[] {
    return [...this.byId.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  /** Forgets a removed container's execs. */
  forgetContainer(containerId: string): void {
    for (const [id, e] of this.byId) if (e.containerId === containerId) this.byId.delete(id);
  }
}

/** GET /exec/{id}/json. */
export function execInspectView(e: ExecInstance): Record<string, unknown> {
  const [entrypoint = '', ...args] = e.config.Cmd ?? [];
  return {
    CanRemove: false,
    ContainerID: e.containerId,
    DetachKeys: e.config.DetachKeys ?? '',
    ExitCode: e.exitCode,
    ID: e.id,
    OpenStderr: e.config.AttachStderr === true,
    OpenStdin: e.config.AttachStdin === true,
    OpenStdout: e.config.AttachStdout === true,
    ProcessConfig: {
      arguments: args,
      entrypoint,
      privileged: e.config.Privileged === true,
      tty: e.config.Tty === true,
      user: e.config.User ?? '',
    },
    Running: e.running,
    Pid: e.pid,
  };
}
