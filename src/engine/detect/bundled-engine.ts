/**
 * The seam detection uses for dev's bundled engine: start it when it does not answer, then
 * connect to its socket like to any Docker-API engine. Loaded only when the bundled engine is
 * chosen or needed, so other engines pay nothing for it.
 */
import { dockerHostOf } from '../daemon/daemon-paths.js';
import { connectDockerApi } from '../docker-api/connect-docker-api.js';
import type { Engine } from '../engine.js';
import { type BundledDaemonOptions, startBundledDaemon } from './bundled-daemon.js';

export interface OpenBundledOptions extends BundledDaemonOptions {
  /** Called when this call started the engine (it was not running). */
  onStarted?: (info: { socket: string; pid?: number }) => void;
  /** How the engine was chosen, for EngineInfo.source. */
  source?: string;
}

/** The bundled engine, started first if it does not answer. */
export async function openBundledEngine(options: OpenBundledOptions = {}): Promise<Engine> {
  const state = await startBundledDaemon(options);
  if (state.started)
    options.onStarted?.({ socket: state.paths.socket, ...(state.pid ? { pid: state.pid } : {}) });
  return connectDockerApi({
    endpoint: dockerHostOf(state.paths.socket),
    source: options.source ?? 'bundled engine',
    kind: 'bundled',
    timeout: 15_000,
    ...(options.env ? { env: options.env } : {}),
  });
}
