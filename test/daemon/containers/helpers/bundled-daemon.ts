/**
 * A bundled engine in the test process: startDaemon on a temporary root and socket with a
 * unique prefix (iptables chains, netns, cgroups), TEST_IMAGE imported, and a stop that removes
 * every container, network and volume, closes the daemon and cleans the host.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerService } from '../../../../src/engine/daemon/containers/container-service.js';
import { type RunningDaemon, startDaemon } from '../../../../src/engine/daemon/daemon.js';
import { cleanHost, importTestImage } from './host-cleanup.js';

export interface BundledDaemon {
  root: string;
  socket: string;
  /** `unix://<socket>`. */
  host: string;
  prefix: string;
  daemon: RunningDaemon;
  containers: ContainerService;
  /** The daemon's log lines so far. */
  log: string[];
  stop(): Promise<void>;
}

/** Starts a daemon for tests named `name`; TEST_IMAGE is there when it resolves. */
export async function startBundledDaemon(name: string): Promise<BundledDaemon> {
  const root = mkdtempSync(join(tmpdir(), `dev-bundled-${name}-`));
  const socket = join(root, 'engine.sock');
  const prefix = `DC${randomBytes(3).toString('hex').toUpperCase()}`;
  const log: string[] = [];
  const daemon = await startDaemon({ root, socket, version: 'test', prefix, log: (line) => log.push(line) });
  const containers = daemon.context.containers as ContainerService;
  await importTestImage(daemon.context.images);
  return {
    root,
    socket,
    host: `unix://${socket}`,
    prefix,
    daemon,
    containers,
    log,
    stop: () => stopBundledDaemon({ root, prefix, daemon, containers }),
  };
}

async function stopBundledDaemon(d: {
  root: string;
  prefix: string;
  daemon: RunningDaemon;
  containers: ContainerService;
}): Promise<void> {
  const { context } = d.daemon;
  for (const c of d.containers.summaries()) {
    await d.containers.remove(c.id, { force: true, volumes: true }).catch(() => {});
  }
  for (const n of context.networks.list()) {
    if (!['bridge', 'host', 'none'].includes(n.Name))
      await context.networks.removeNetwork(n.Id).catch(() => {});
  }
  for (const v of context.volumes.list().Volumes)
    await context.volumes.remove(v.Name, { force: true }).catch(() => {});
  await d.daemon.close();
  context.runtime.removeShimCgroup();
  cleanHost(d.root, d.prefix);
}
