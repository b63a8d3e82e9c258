/**
 * A service's `env_file`s read into its `environment` (values written in `environment` win;
 * later files win over earlier ones), as Compose does before printing or running it.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ComposeIssue } from '../model/errors.js';
import type { DocumentLoader, Obj } from './document-loader.js';
import { isObj } from './document-loader.js';
import { parseDotenv, parseRawEnv } from './dotenv.js';
import { pathToPointer } from './origins.js';

interface EnvFileRef {
  path: string;
  required: boolean;
  raw: boolean;
}

/**
 * Reads every service's `env_file` into its `environment` mapping, in place (env_file is
 * removed). A missing file is an error only for services the command needs (`needed`), so
 * `dev up web` works while another service's env file is absent, as in Compose.
 */
export function applyServiceEnvFiles(
  doc: Obj,
  workingDir: string,
  loader: DocumentLoader,
  needed: (service: string) => boolean = () => true,
): void {
  const services = doc.services;
  if (!isObj(services)) return;
  for (const [name, service] of Object.entries(services)) {
    if (!isObj(service) || service.env_file === undefined) continue;
    applyToService(name, service, workingDir, loader, needed(name));
  }
}

function applyToService(
  name: string,
  service: Obj,
  workingDir: string,
  loader: DocumentLoader,
  needed: boolean,
): void {
  const { origins, issues } = loader.options;
  const envFileOrigin = origins.get(service, 'env_file');
  const refs = readRefs(service.env_file, workingDir);
  const merged: Obj = Object.create(null);
  refs.forEach((ref, index) => {
    const issue = (message: string, hint?: string): ComposeIssue => ({
      severity: 'error',
      pointer: pathToPointer(['services', name, 'env_file', index]),
      ...(envFileOrigin ? { position: origins.sourcePosition(envFileOrigin) } : { file: ref.path }),
      message,
      ...(hint ? { hint } : {}),
    });
    if (!existsSync(ref.path)) {
      if (ref.required && needed) {
        issues.push(issue(`env file ${ref.path} not found`, 'create it, or mark it `required: false`'));
      }
      return;
    }
    let text: string;
    let values: Record<string, string>;
    try {
      text = loader.options.readText(ref.path);
      const options = {
        file: ref.path,
        lookup: (n: string) => loader.options.env.value(n) ?? (merged[n] as string | undefined),
      };
      values = ref.raw ? parseRawEnv(text, options) : parseDotenv(text, options);
    } catch (e) {
      issues.push(issue(e instanceof Error ? e.message : String(e)));
      return;
    }
    for (const [k, v] of Object.entries(values)) {
      merged[k] = v;
      origins.set(merged, k, {
        file: ref.path,
        line: lineOf(text, k),
        column: 1,
        via: `env_file ${ref.path}`,
      });
    }
  });
  // Entries written in `environment` win; `KEY` alone (no value) keeps the file's value.
  const own = service.environment;
  if (Array.isArray(own)) {
    own.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const eq = entry.indexOf('=');
      const key = eq < 0 ? entry : entry.slice(0, eq);
      if (eq < 0 && key in merged) return;
      merged[key] = eq < 0 ? null : entry.slice(eq + 1);
      origins.copy(merged, key, own, i);
    });
  } else if (isObj(own)) {
    for (const [k, v] of Object.entries(own)) {
      if (v === null && k in merged) continue;
      merged[k] = v;
      origins.copy(merged, k, own, k);
    }
  }
  service.environment = merged;
  if (envFileOrigin && !origins.get(service, 'environment'))
    origins.set(service, 'environment', envFileOrigin);
  delete service.env_file;
}

function readRefs(value: unknown, workingDir: string): EnvFileRef[] {
  const list = Array.isArray(value) ? value : [value];
  const refs: EnvFileRef[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') refs.push({ path: abs(workingDir, entry), required: true, raw: false });
    else if (isObj(entry) && typeof entry.path === 'string') {
      refs.push({
        path: abs(workingDir, entry.path),
        required: entry.required !== false && entry.required !== 'false',
        raw: entry.format === 'raw',
      });
    }
  }
  return refs;
}

function abs(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

function lineOf(text: string, key: string): number {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(export\\s+)?${escaped}\\s*[=:]?`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : 1;
}
