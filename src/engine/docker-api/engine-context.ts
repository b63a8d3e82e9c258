/** What the engine's operation modules share: the client, and the effects they may use. */
import type { EngineInfo } from '../engine.js';
import type { DockerClient } from './docker-client.js';
import type { RegistryAuthOptions } from './registry-auth.js';

/** The client of one engine and the effects its operations may use. */
export interface EngineContext {
  client: DockerClient;
  info: EngineInfo;
  /** Where registry credentials come from. */
  auth: RegistryAuthOptions;
  /** Reads a text file (seccomp profiles). */
  readFile: (path: string) => string;
}

/** The negotiated API version (1.41 until negotiation, which connect always does first). */
export function apiVersionOf(ctx: EngineContext): string {
  return ctx.client.apiVersion ?? '1.41';
}
