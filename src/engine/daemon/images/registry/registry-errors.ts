/** Registry answers turned into RegistryErrors with Docker's wording, and bounded body reads. */
import { RegistryError } from '../errors.js';

/** Reads a small response body whole, refusing more than `limit` bytes. */
export async function readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > limit) {
      await res.body?.cancel().catch(() => {});
      throw new RegistryError('REGISTRY_ERROR', `${what} larger than ${limit} bytes`, res.status);
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** The RegistryError for a failed response: its status and the registry's error codes. */
export async function errorOf(res: Response, what: string): Promise<RegistryError> {
  let detail = '';
  try {
    const text = (await readLimited(res, 64 * 1024, 'error')).toString();
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    detail = (body.errors ?? [])
      .map((e) => `${(e.code ?? '').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`)
      .join('; ');
  } catch {
    // no JSON body
  }
  if (res.status === 401 || res.status === 403) {
    return new RegistryError(
      'REGISTRY_UNAUTHORIZED',
      `${what}: ${detail || 'unauthorized: authentication required'}`,
      res.status,
      {
        hint: 'log in to the registry (docker login), or check the repository name and your access to it',
      },
    );
  }
  if (res.status === 404) {
    return new RegistryError('REGISTRY_NOT_FOUND', `${what} not found${detail ? `: ${detail}` : ''}`, 404, {
      hint: 'check the image name and tag',
    });
  }
  return new RegistryError(
    'REGISTRY_ERROR',
    `${what}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`,
    res.status,
    {
      hint: 'the registry refused the request; retry later',
    },
  );
}

/** 401 without a usable challenge or credentials. */
export function unauthorized(host: string, reason: string): RegistryError {
  return new RegistryError('REGISTRY_UNAUTHORIZED', `${host}: ${reason}`, 401, {
    hint: `log in first: docker login ${host}`,
  });
}
