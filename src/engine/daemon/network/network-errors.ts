/**
 * Errors of networks and container network sandboxes. Each carries the HTTP status the Docker
 * API answers with, so the API layer maps them without knowing each kind.
 */
import type { DevErrorOptions } from '../../../model/errors.js';
import { StatusError } from '../status-error.js';

export type NetworkErrorCode =
  | 'NETWORK_NOT_FOUND'
  | 'NETWORK_EXISTS'
  | 'NETWORK_IN_USE'
  | 'NETWORK_PREDEFINED'
  | 'NETWORK_INVALID'
  | 'NETWORK_POOL_EXHAUSTED'
  | 'NETWORK_SUBNET_OVERLAP'
  | 'NETWORK_ADDRESS_IN_USE'
  | 'NETWORK_PORT_IN_USE'
  | 'NETWORK_SANDBOX_NOT_FOUND'
  | 'NETWORK_ALREADY_CONNECTED'
  | 'NETWORK_NOT_CONNECTED'
  | 'NETWORK_HOST_COMMAND_FAILED';

const STATUS: Record<NetworkErrorCode, number> = {
  NETWORK_NOT_FOUND: 404,
  NETWORK_EXISTS: 409,
  NETWORK_IN_USE: 403,
  NETWORK_PREDEFINED: 403,
  NETWORK_INVALID: 400,
  NETWORK_POOL_EXHAUSTED: 400,
  NETWORK_SUBNET_OVERLAP: 403,
  NETWORK_ADDRESS_IN_USE: 409,
  NETWORK_PORT_IN_USE: 409,
  NETWORK_SANDBOX_NOT_FOUND: 404,
  NETWORK_ALREADY_CONNECTED: 403,
  NETWORK_NOT_CONNECTED: 404,
  NETWORK_HOST_COMMAND_FAILED: 500,
};

/** A network failure: a literal code, a one-line message, a hint and the HTTP status to answer. */
export class NetworkError extends StatusError<NetworkErrorCode> {
  constructor(code: NetworkErrorCode, message: string, options: DevErrorOptions = {}) {
    super(code, message, STATUS[code], options);
    this.name = 'NetworkError';
  }
}

/** No network by that name, id or id prefix. */
export class NetworkNotFoundError extends NetworkError {
  constructor(what: string) {
    super('NETWORK_NOT_FOUND', `network ${what} not found`, {
      hint: 'list networks with `docker network ls`',
    });
    this.name = 'NetworkNotFoundError';
  }
}

/** A published host port that something else (a process, a rule, another container) holds. */
export class PortInUseError extends NetworkError {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly protocol: string;

  constructor(binding: { hostIp: string; hostPort: number; protocol: string }, holder: string) {
    super(
      'NETWORK_PORT_IN_USE',
      `Bind for ${binding.hostIp}:${binding.hostPort}/${binding.protocol} failed: port is already allocated (${holder})`,
      { hint: 'publish another host port, leave the host port empty for a free one, or stop what holds it' },
    );
    this.name = 'PortInUseError';
    this.hostIp = binding.hostIp;
    this.hostPort = binding.hostPort;
    this.protocol = binding.protocol;
  }
}

/** `ip`, `iptables-restore` or aardvark-dns failed; the message names the command and its stderr. */
export class HostCommandError extends NetworkError {
  readonly command: string;
  readonly stderr: string;

  constructor(command: string, stderr: string, options: DevErrorOptions = {}) {
    const firstLine = stderr.trim().split('\n')[0] ?? '';
    super('NETWORK_HOST_COMMAND_FAILED', `${command} failed: ${firstLine || 'no error output'}`, {
      hint: 'the daemon must run as root with iproute2 and iptables installed',
      ...options,
    });
    this.name = 'HostCommandError';
    this.command = command;
    this.stderr = stderr;
  }
}
