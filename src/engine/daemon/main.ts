/**
 * The bundled engine's process (built to dist/dev-engine.cjs): `node dev-engine.cjs [--root
 * dir] [--socket path] [--prefix NAME]` (or DEV_ENGINE_ROOT, DEV_ENGINE_SOCKET,
 * DEV_ENGINE_PREFIX). It takes the root's lock, serves the API, writes its pid file, logs to
 * `<root>/engine.log`, and on SIGTERM or SIGINT stops serving while containers keep running.
 * Exit codes: 0 stopped, 1 failed, 2 bad usage, 3 another engine already uses the root or socket.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type RunningDaemon, startDaemon } from './daemon.js';
import { acquireLocks, LockHeldError } from './daemon-lock.js';
import { openDaemonLog } from './daemon-log.js';
import { daemonPaths } from './daemon-paths.js';
import { writeFileAtomic } from './state/atomic-file.js';

declare const __DEV_VERSION__: string | undefined;
const VERSION = typeof __DEV_VERSION__ === 'string' ? __DEV_VERSION__ : '0.0.0-dev';

const USAGE = `usage: dev-engine [--root <dir>] [--socket <path>] [--prefix <NAME>]
  --root     state directory (DEV_ENGINE_ROOT; default /var/lib/dev-engine)
  --socket   API socket (DEV_ENGINE_SOCKET; default /run/dev-engine/engine.sock)
  --prefix   name prefix of iptables chains, netns and cgroups (DEV_ENGINE_PREFIX)
Usually started by \`dev engine start\`.`;

async function main(argv: string[]): Promise<number> {
  let flags: { root?: string; socket?: string; prefix?: string; help?: boolean; version?: boolean };
  try {
    flags = parseArgs({
      args: argv,
      options: {
        root: { type: 'string' },
        socket: { type: 'string' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`dev-engine: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      'dev-engine: the bundled engine needs root on this machine (rootless is not supported yet)\n',
    );
    return 1;
  }
  const paths = daemonPaths(flags);
  mkdirSync(paths.root, { recursive: true, mode: 0o711 });
  mkdirSync(dirname(paths.socket), { recursive: true, mode: 0o711 });
  let lock: Awaited<ReturnType<typeof acquireLocks>>;
  try {
    lock = await acquireLocks([`root:${paths.root}`, `socket:${paths.socket}`]);
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    process.stderr.write(`dev-engine: ${error.message}\n`);
    return 3;
  }
  if (await answers(paths.socket)) {
    process.stderr.write(`dev-engine: something else already serves ${paths.socket}\n`);
    return 3;
  }
  const log = openDaemonLog(paths.logFile, process.stderr.isTTY ? { echo: process.stderr } : {});
  process.on('unhandledRejection', (reason) => {
    log.line(
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  log.line(
    `dev engine ${VERSION} starting: root ${paths.root}, socket ${paths.socket}, prefix ${paths.prefix}`,
  );
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({
      root: paths.root,
      socket: paths.socket,
      version: VERSION,
      prefix: paths.prefix,
      log: (line) => log.line(line),
      env: process.env,
    });
  } catch (error) {
    log.line(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.stderr.write(`dev-engine: ${error instanceof Error ? error.message : String(error)}\n`);
    lock.release();
    log.close();
    return 1;
  }
  writeFileAtomic(paths.pidFile, `${process.pid}\n`, 0o644);
  log.line(`serving the Docker Engine API on ${paths.socket} (pid ${process.pid})`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.line(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      log.line(`${signal}: stopping (containers keep running)`);
      // a hijacked connection (attach, exec) may keep the server open: give up waiting after a while
      const timeout = new Promise<void>((done) => setTimeout(done, 5000).unref());
      void Promise.race([daemon.close(), timeout]).then(
        () => {
          if (readPid(paths.pidFile) === process.pid) rmSync(paths.pidFile, { force: true });
          rmSync(paths.socket, { force: true });
          lock.release();
          log.line('stopped');
          log.close();
          resolve(0);
        },
        (error: unknown) => {
          log.line(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
          log.close();
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // a closed terminal must not stop a daemon that was started from it
    process.on('SIGHUP', () => log.line('SIGHUP ignored'));
  });
}

/** Whether something accepts connections on a unix socket. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readPid(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `dev-engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
