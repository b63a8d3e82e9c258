/**
 * TLS settings from the environment, read as the docker CLI reads them: DOCKER_TLS_VERIFY
 * (TLS, server certificate checked) or DOCKER_TLS (TLS only), with ca.pem, cert.pem and key.pem
 * in DOCKER_CERT_PATH (default ~/.docker).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevError } from '../../model/errors.js';
import type { TlsMaterial } from './endpoint.js';

/** The environment and home directory to read from, and a file reader. */
export interface ReadTlsOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  /** Reads a file; undefined when it does not exist. */
  readFile?: (path: string) => Buffer | undefined;
}

/** The TLS material the environment asks for, or undefined when it asks for none. */
export function readTlsMaterial(options: ReadTlsOptions): TlsMaterial | undefined {
  const { env } = options;
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || join(options.homedir, '.docker');
  const read = options.readFile ?? readOptional;
  const ca = read(join(dir, 'ca.pem'));
  const cert = read(join(dir, 'cert.pem'));
  const key = read(join(dir, 'key.pem'));
  if (verify && !ca) {
    throw new DevError(
      'ENGINE_TLS_MISSING',
      `DOCKER_TLS_VERIFY is set but ${join(dir, 'ca.pem')} is missing`,
      {
        hint: 'set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem',
      },
    );
  }
  if (Boolean(cert) !== Boolean(key)) {
    throw new DevError(
      'ENGINE_TLS_MISSING',
      `a client certificate needs both cert.pem and key.pem in ${dir}`,
      {
        hint: 'put both files in DOCKER_CERT_PATH, or neither',
      },
    );
  }
  return { verify, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
