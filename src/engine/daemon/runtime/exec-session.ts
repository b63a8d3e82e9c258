/**
 * `docker exec`: a process started in a running container under its own conmon, with or without
 * a terminal. Output is read from the session's log as conmon writes it, input goes through a
 * stdin bridge, the terminal is resized through conmon's control fifo, and the exit code comes
 * from conmon once the output is complete.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { capabilitiesOf } from './build-oci-spec.js';
import { hostCapabilities } from './capabilities.js';
import { conmonExec } from './conmon.js';
import type { ContainerPaths } from './container-record.js';
import { writeControl } from './control-fifo.js';
import type { HostInfo } from './host-probe.js';
import { readLogs } from './log-reader.js';
import type { OciRuntimeCli } from './oci-runtime-cli.js';
import type { OciProcess, OciSpec } from './oci-spec.js';
import { resolveUser } from './resolve-user.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { RuntimeSpec } from './runtime-spec.js';
import { type BridgeTool, openStdinBridge, type StdinBridge } from './stdin-bridge.js';

/** What to run in the container. */
export interface ExecSpec {
  args: string[];
  /** Added to (and overriding) the container's environment. */
  env?: string[];
  /** As RuntimeSpec's process.user; default the container's user. */
  user?: string;
  /** Default the container's working directory. */
  cwd?: string;
  tty?: boolean;
  /** Attach an input stream (`docker exec -i`). */
  stdin?: boolean;
  /** All capabilities, as `docker exec --privileged`. */
  privileged?: boolean;
  consoleSize?: { height: number; width: number };
}

/** One chunk of a process's output. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A running exec session. */
export interface ExecSession {
  id: string;
  /** The process's pid on the host. */
  pid: number;
  /** Input, when the session was started with `stdin`; end() closes the process's stdin. */
  stdin?: Writable;
  /** The output until the process exits; iterate it once. With a tty everything is `stdout`. */
  output: AsyncIterable<OutputChunk>;
  /** The exit code (128+n when killed by signal n). */
  exit: Promise<number>;
  /** Sets the terminal size (tty sessions). */
  resize(size: { height: number; width: number }): void;
}

export interface StartExecOptions {
  containerId: string;
  paths: ContainerPaths;
  spec: RuntimeSpec;
  exec: ExecSpec;
  conmonPath: string;
  runtime: OciRuntimeCli;
  bridge: BridgeTool | undefined;
  host: Pick<HostInfo, 'capLastCap' | 'capBounding'>;
  beforeStart?: (pid: number) => void;
}

/** Starts the process; resolves once it runs, rejects with the runtime's reason when it cannot. */
export async function startExec(options: StartExecOptions): Promise<ExecSession> {
  const { exec, paths } = options;
  if (exec.args.length === 0) throw new RuntimeSpecError('exec.args', 'no command to run');
  if (exec.stdin && !options.bridge) {
    throw new RuntimeSpecError('exec.stdin', 'attaching stdin needs socat or python3 on the host');
  }
  const config = JSON.parse(readFileSync(paths.config, 'utf8')) as OciSpec;
  const id = randomBytes(16).toString('hex');
  const dir = join(paths.execRoot, id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const processSpecPath = join(dir, 'process.json');
  const logPath = join(dir, 'exec.log');
  try {
    writeFileSync(processSpecPath, JSON.stringify(execProcess(config.process, options)));
    const started = await conmonExec({
      conmonPath: options.conmonPath,
      runtime: options.runtime,
      containerId: options.containerId,
      execId: id,
      execDir: dir,
      processSpecPath,
      logPath,
      terminal: exec.tty === true,
      stdin: exec.stdin === true,
      ...(options.beforeStart ? { beforeStart: options.beforeStart } : {}),
    });
    let bridge: StdinBridge | undefined;
    let stdin: PassThrough | undefined;
    if (exec.stdin && options.bridge) {
      bridge = openStdinBridge(options.bridge, dir);
      stdin = new PassThrough();
      stdin.pipe(bridge.stdin);
    }
    // The directory (log, ctl, attach socket) goes once the process has exited and its output
    // has been read, whichever comes last; a reader that stops early leaves it to the exit.
    let exited = false;
    let reading = false;
    const removeDir = () => rmSync(dir, { recursive: true, force: true });
    const exit = started.exit;
    const onExit = () => {
      exited = true;
      bridge?.close();
      if (!reading) removeDir();
    };
    exit.then(onExit, onExit);
    async function* output(): AsyncGenerator<OutputChunk> {
      reading = true;
      try {
        for await (const entry of readLogs(logPath, { follow: true, done: exit })) {
          yield { stream: entry.stream, data: entry.data };
        }
      } finally {
        reading = false;
        if (exited) removeDir();
      }
    }
    return {
      id,
      pid: started.pid,
      ...(stdin ? { stdin } : {}),
      output: output(),
      exit,
      resize(size) {
        writeControl(join(dir, 'ctl'), size);
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The container's process spec with the exec's command, user, env, cwd and terminal. */
function execProcess(base: OciProcess, options: StartExecOptions): OciProcess {
  const { exec, spec } = options;
  const env = mergeEnv(base.env, exec.env ?? []);
  const user =
    exec.user !== undefined && exec.user !== ''
      ? resolveUser({ rootfs: spec.rootfs, user: exec.user, groupAdd: spec.process.groupAdd })
      : undefined;
  const caps = exec.privileged ? capabilitiesOf(hostCapabilities(options.host)) : base.capabilities;
  const tty = exec.tty === true;
  const process: OciProcess = {
    ...base,
    terminal: tty,
    args: [...exec.args],
    env: tty && !env.some((e) => e.startsWith('TERM=')) ? [...env, 'TERM=xterm'] : env,
    cwd: exec.cwd || base.cwd,
    capabilities: caps,
    user: user ? { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } : base.user,
  };
  if (tty && exec.consoleSize) process.consoleSize = exec.consoleSize;
  else delete process.consoleSize;
  if (user && !(exec.env ?? []).some((e) => e.startsWith('HOME=')))
    process.env = process.env.map((e) => (e.startsWith('HOME=') ? `HOME=${user.home}` : e));
  return process;
}

function mergeEnv(base: string[], extra: string[]): string[] {
  const names = new Set(extra.map((e) => e.split('=', 1)[0]));
  return [...base.filter((e) => !names.has(e.split('=', 1)[0])), ...extra];
}
