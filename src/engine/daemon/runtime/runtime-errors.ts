/**
 * Errors of the container runtime. The API layer maps them to HTTP: not found → 404,
 * wrong state → 409 (or 304 where Docker says "not modified"), invalid spec → 400,
 * OCI failures and a missing runtime → 500.
 */
import { DevError, type DevErrorOptions } from '../../../model/errors.js';

/** No container with this id is known to the runtime. */
export class ContainerNotFoundError extends DevError {
  readonly containerId: string;

  constructor(containerId: string, options: DevErrorOptions = {}) {
    super('RUNTIME_CONTAINER_NOT_FOUND', `no such container: ${containerId}`, {
      hint: options.hint ?? 'list containers to see which ids exist',
      cause: options.cause,
    });
    this.name = 'ContainerNotFoundError';
    this.containerId = containerId;
  }
}

/** The operation does not fit the container's current state (start a running one, exec in a stopped one). */
export class ContainerStateError extends DevError {
  readonly containerId: string;
  readonly status: string;

  constructor(containerId: string, status: string, message: string, options: DevErrorOptions = {}) {
    super('RUNTIME_CONTAINER_STATE', `container ${containerId} is ${status}: ${message}`, options);
    this.name = 'ContainerStateError';
    this.containerId = containerId;
    this.status = status;
  }
}

/** The RuntimeSpec asks for something invalid or impossible (unknown user, bad capability, sysctl). */
export class RuntimeSpecError extends DevError {
  readonly field: string;

  constructor(field: string, message: string, options: DevErrorOptions = {}) {
    super('RUNTIME_INVALID_SPEC', `${field}: ${message}`, options);
    this.name = 'RuntimeSpecError';
    this.field = field;
  }
}

/** The OCI runtime or the shim failed; `message` carries what they said. */
export class OciRuntimeError extends DevError {
  readonly operation: string;
  readonly containerId: string;

  constructor(operation: string, containerId: string, detail: string, options: DevErrorOptions = {}) {
    super('RUNTIME_OCI_FAILED', `${operation} ${containerId}: ${detail}`, {
      hint: options.hint ?? 'the OCI runtime refused; its message above says why',
      cause: options.cause,
    });
    this.name = 'OciRuntimeError';
    this.operation = operation;
    this.containerId = containerId;
  }
}

/** A binary the runtime needs (runc, conmon, a stdin bridge, an init) is not installed. */
export class RuntimeUnavailableError extends DevError {
  readonly binary: string;

  constructor(binary: string, tried: string[], hint: string) {
    super('RUNTIME_UNAVAILABLE', `${binary} not found (tried ${tried.join(', ') || 'nothing'})`, { hint });
    this.name = 'RuntimeUnavailableError';
    this.binary = binary;
  }
}
