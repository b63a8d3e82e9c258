/**
 * Errors of the image store, layer snapshots and registry client. Each carries the HTTP
 * status the Docker API answers with, so the API layer maps them without knowing each kind.
 */
import type { DevErrorOptions } from '../../../model/errors.js';
import { StatusError } from '../status-error.js';

export type ImageErrorCode =
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_CONFLICT'
  | 'IMAGE_REFERENCE_INVALID'
  | 'IMAGE_DIGEST_MISMATCH'
  | 'IMAGE_ARCHIVE_UNSAFE'
  | 'IMAGE_ARCHIVE_INVALID'
  | 'IMAGE_UNSUPPORTED'
  | 'IMAGE_TOOL_FAILED'
  | 'IMAGE_CHANGE_INVALID'
  | 'SNAPSHOT_NOT_FOUND'
  | 'SNAPSHOT_EXISTS'
  | 'REGISTRY_UNAUTHORIZED'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_ERROR'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_PLATFORM_MISSING';

const STATUS: Record<ImageErrorCode, number> = {
  IMAGE_NOT_FOUND: 404,
  IMAGE_CONFLICT: 409,
  IMAGE_REFERENCE_INVALID: 400,
  IMAGE_DIGEST_MISMATCH: 500,
  IMAGE_ARCHIVE_UNSAFE: 400,
  IMAGE_ARCHIVE_INVALID: 400,
  IMAGE_UNSUPPORTED: 400,
  IMAGE_TOOL_FAILED: 500,
  IMAGE_CHANGE_INVALID: 400,
  SNAPSHOT_NOT_FOUND: 404,
  SNAPSHOT_EXISTS: 409,
  REGISTRY_UNAUTHORIZED: 401,
  REGISTRY_NOT_FOUND: 404,
  REGISTRY_ERROR: 500,
  REGISTRY_UNREACHABLE: 500,
  REGISTRY_PLATFORM_MISSING: 404,
};

/** An image-part failure: a literal code, a one-line message, a hint and the HTTP status to answer. */
export class ImageError extends StatusError<ImageErrorCode> {
  constructor(code: ImageErrorCode, message: string, options: DevErrorOptions = {}) {
    super(code, message, STATUS[code], options);
    this.name = 'ImageError';
  }
}

/** No image, layer or blob by that name or id. */
export class ImageNotFoundError extends ImageError {
  constructor(what: string, options: DevErrorOptions = {}) {
    super('IMAGE_NOT_FOUND', `No such image: ${what}`, {
      hint: 'list local images with `docker images`, or pull it first',
      ...options,
    });
    this.name = 'ImageNotFoundError';
  }
}

/** A tar or archive that tries to write outside its root, or is otherwise unsafe to unpack. */
export class UnsafeArchiveError extends ImageError {
  /** The offending entry name as written in the archive. */
  readonly entry: string;

  constructor(entry: string, reason: string) {
    super('IMAGE_ARCHIVE_UNSAFE', `refusing tar entry ${JSON.stringify(entry)}: ${reason}`, {
      hint: 'the archive or layer is malformed or malicious; nothing was written outside the store',
    });
    this.name = 'UnsafeArchiveError';
    this.entry = entry;
  }
}

/** Content whose sha256 is not the one it was announced with. */
export class DigestMismatchError extends ImageError {
  constructor(what: string, expected: string, actual: string) {
    super('IMAGE_DIGEST_MISMATCH', `${what}: digest ${actual} does not match the expected ${expected}`, {
      hint: 'the content was corrupted in transit or at rest; retry, and check the source',
    });
    this.name = 'DigestMismatchError';
  }
}

/** A failure talking to a registry, with the HTTP status it answered (0 when unreachable). */
export class RegistryError extends ImageError {
  readonly httpStatus: number;

  constructor(code: ImageErrorCode, message: string, httpStatus: number, options: DevErrorOptions = {}) {
    super(code, message, options);
    this.name = 'RegistryError';
    this.httpStatus = httpStatus;
  }
}
