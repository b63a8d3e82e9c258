/**
 * Where the bundled engine keeps things: its state root, API socket, pid file and log, and the
 * prefix of its host objects (iptables chains, netns names, cgroups). Shared by the daemon and
 * by `dev` (which starts and stops it), so it imports nothing but node:path and node:crypto.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

export const DEFAULT_ROOT = '/var/lib/dev-engine';
export const DEFAULT_SOCKET = '/run/dev-engine/engine.sock';
export const DEFAULT_PREFIX = 'DEVENG';

/** Flags and environment that place an engine. */
export interface DaemonPathOptions {
  /** `--root`, else DEV_ENGINE_ROOT, else /var/lib/dev-engine. */
  root?: string;
  /** `--socket`, else DEV_ENGINE_SOCKET, else /run/dev-engine/engine.sock (or `<root>/engine.sock` for another root). */
  socket?: string;
  /** `--prefix`, else DEV_ENGINE_PREFIX, else DEVENG (or one derived from the root for another root). */
  prefix?: string;
  env?: Record<string, string | undefined>;
  /** Whose defaults: root's system places, or a user's own (default: this process's uid). */
  uid?: number;
}

/** One engine's places. */
export interface DaemonPaths {
  root: string;
  socket: string;
  /** The daemon's pid, written once it serves, removed when it stops. */
  pidFile: string;
  logFile: string;
  prefix: string;
}

/**
 * Resolves an engine's places. An engine on a root of its own (tests, a second engine) gets a
 * socket under that root and a prefix derived from it unless told otherwise, so two engines
 * never share a socket, chains or network namespaces by accident.
 */
export function daemonPaths(options: DaemonPathOptions = {}): DaemonPaths {
  const env = options.env ?? process.env;
  const defaults = defaultPlaces(options.uid ?? process.getuid?.() ?? 0, env);
  const root = resolve(options.root || env.DEV_ENGINE_ROOT || defaults.root);
  const own = root !== defaults.root;
  const socket = resolve(
    options.socket || env.DEV_ENGINE_SOCKET || (own ? join(root, 'engine.sock') : defaults.socket),
  );
  const prefix = options.prefix || env.DEV_ENGINE_PREFIX || (own ? derivedPrefix(root) : DEFAULT_PREFIX);
  return { root, socket, pidFile: join(root, 'engine.pid'), logFile: join(root, 'engine.log'), prefix };
}

/**
 * Root gets the system places; another user gets places of their own (XDG data and runtime
 * directories), so that `dev engine status` or `doctor` never point a user at root's engine.
 */
function defaultPlaces(
  uid: number,
  env: Record<string, string | undefined>,
): { root: string; socket: string } {
  if (uid === 0) return { root: DEFAULT_ROOT, socket: DEFAULT_SOCKET };
  const home = env.HOME ?? '/';
  const root = join(env.XDG_DATA_HOME || join(home, '.local/share'), 'dev/engine');
  const socket = env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'dev/engine.sock')
    : join(root, 'engine.sock');
  return { root, socket };
}

/** `DEV` and 6 hex digits of the root's hash: short enough for iptables chain names. */
function derivedPrefix(root: string): string {
  return `DEV${createHash('sha256').update(root).digest('hex').slice(0, 6).toUpperCase()}`;
}

/** The `DOCKER_HOST` value of an engine's socket. */
export function dockerHostOf(socket: string): string {
  return `unix://${socket}`;
}
