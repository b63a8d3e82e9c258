/** Why a plan cannot be made: what the project asks is impossible with what the engine holds. */
import { DevError, type DevErrorOptions } from '../model/errors.js';

export type PlanErrorCode =
  | 'NO_SUCH_SERVICE'
  | 'DEPENDENCY_MISSING'
  | 'UNDEFINED_REFERENCE'
  | 'INVALID_OPTIONS'
  | 'INVALID_SCALE'
  | 'IMAGE_MISSING'
  | 'NETWORK_NOT_FOUND'
  | 'VOLUME_NOT_FOUND'
  | 'NETWORK_NEEDS_RECREATE'
  | 'VOLUME_NEEDS_RECREATE';

/** A planning failure with a literal code, a one-line message and a hint (always given). */
export class PlanError extends DevError {
  override readonly code: PlanErrorCode;

  constructor(code: PlanErrorCode, message: string, options: DevErrorOptions & { hint: string }) {
    super(code, message, options);
    this.name = 'PlanError';
    this.code = code;
  }
}
