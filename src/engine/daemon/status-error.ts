/**
 * The bundled engine's failures: a DevError with a literal code, a one-line message, a hint,
 * and the HTTP status the Docker API answers it with (404 not found, 409 conflict, ...). Each
 * part maps its own codes to statuses.
 */
import { DevError, type DevErrorOptions } from '../../model/errors.js';

export class StatusError<Code extends string = string> extends DevError {
  declare readonly code: Code;
  /** HTTP status the Docker API uses for this failure. */
  readonly status: number;

  constructor(code: Code, message: string, status: number, options: DevErrorOptions = {}) {
    super(code, message, options);
    this.status = status;
  }
}
