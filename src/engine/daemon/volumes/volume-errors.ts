/**
 * Errors of named and anonymous volumes. Each carries the HTTP status the Docker API answers
 * with, so the API layer maps them without knowing each kind.
 */
import type { DevErrorOptions } from '../../../model/errors.js';
import { StatusError } from '../status-error.js';

export type VolumeErrorCode =
  | 'VOLUME_NOT_FOUND'
  | 'VOLUME_IN_USE'
  | 'VOLUME_CONFLICT'
  | 'VOLUME_INVALID'
  | 'VOLUME_MOUNT_FAILED'
  | 'VOLUME_COPY_FAILED';

const STATUS: Record<VolumeErrorCode, number> = {
  VOLUME_NOT_FOUND: 404,
  VOLUME_IN_USE: 409,
  VOLUME_CONFLICT: 409,
  VOLUME_INVALID: 400,
  VOLUME_MOUNT_FAILED: 500,
  VOLUME_COPY_FAILED: 500,
};

/** A volume failure: a literal code, a one-line message, a hint and the HTTP status to answer. */
export class VolumeError extends StatusError<VolumeErrorCode> {
  constructor(code: VolumeErrorCode, message: string, options: DevErrorOptions = {}) {
    super(code, message, STATUS[code], options);
    this.name = 'VolumeError';
  }
}

/** No volume by that name. */
export class VolumeNotFoundError extends VolumeError {
  constructor(name: string) {
    super('VOLUME_NOT_FOUND', `get ${name}: no such volume`, {
      hint: 'list volumes with `docker volume ls`',
    });
    this.name = 'VolumeNotFoundError';
  }
}

/** Removal refused: containers still use the volume. */
export class VolumeInUseError extends VolumeError {
  readonly containers: string[];

  constructor(name: string, containers: string[]) {
    super('VOLUME_IN_USE', `remove ${name}: volume is in use - [${containers.join(', ')}]`, {
      hint: 'remove the containers using it first, or force the removal',
    });
    this.name = 'VolumeInUseError';
    this.containers = containers;
  }
}
