/**
 * Errors as the Docker Engine API reports them: an HTTP status and `{"message": "..."}`. Parts of
 * the daemon throw their own errors with a numeric `status`; anything else is a 500.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);
export const badRequest = (message: string) => new ApiError(400, message);
export const notModified = () => new ApiError(304, '');

/** The status and message to answer for any thrown value. */
export function errorResponse(error: unknown): { status: number; message: string } {
  if (error && typeof error === 'object') {
    const e = error as { status?: unknown; httpStatus?: unknown; message?: unknown };
    const status =
      typeof e.status === 'number' ? e.status : typeof e.httpStatus === 'number' ? e.httpStatus : 500;
    const message = typeof e.message === 'string' ? e.message : String(error);
    return { status: status >= 100 && status < 600 ? status : 500, message };
  }
  return { status: 500, message: String(error) };
}
