/**
 * `include`: other compose projects loaded on their own (own project directory, own `.env`
 * under the including project's environment) and copied into this one; a resource defined
 * on both sides differently is an error, as the spec asks.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { DocumentLoader, Obj } from './document-loader.js';
import { isObj } from './document-loader.js';
import { parseDotenv } from './dotenv.js';
import type { ProjectEnvironment } from './environment.js';
import { applyExtends } from './extends.js';
import { mergeComposeDocuments } from './merge.js';
import { pathToPointer } from './origins.js';
import { rebaseResourcePaths, rebaseServicePaths } from './rebase-paths.js';

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

interface IncludeEntry {
  paths: string[];
  projectDirectory: string;
  envFiles: string[];
  /** Explicit env files must exist; the default `.env` need not. */
  envFilesRequired: boolean;
}

/** Replaces `doc.include` by the resources of the included projects, in place. `stack` holds the files being included. */
export function applyInclude(doc: Obj, file: string, loader: DocumentLoader, stack: string[] = [file]): void {
  const list = doc.include;
  delete doc.include;
  if (!Array.isArray(list)) return;
  const { origins, issues } = loader.options;
  for (const [index, raw] of list.entries()) {
    const origin = origins.get(list, index);
    const issueAt = (message: string, hint?: string): void => {
      issues.push({
        severity: 'error',
        pointer: pathToPointer(['include', index]),
        ...(origin ? { position: origins.sourcePosition(origin) } : { file }),
        message,
        ...(hint ? { hint } : {}),
      });
    };
    const remote = remotePath(raw);
    if (remote) {
      issueAt(
        `remote include ${remote} is not supported`,
        'clone or download it, then include the local path',
      );
      continue;
    }
    const entry = readEntry(raw, dirname(file));
    if (!entry) {
      issueAt('an include entry needs a `path`', 'write `- path: ./other/compose.yaml`');
      continue;
    }
    const cycle = entry.paths.find((p) => stack.includes(p));
    if (cycle) {
      const names = [...stack.slice(stack.indexOf(cycle)), cycle].map(
        (p) => relative(dirname(stack[0] ?? p), p) || p,
      );
      issueAt(`include cycle: ${names.join(' -> ')}`, 'remove one of the includes in the cycle');
      continue;
    }
    const env = includedEnvironment(entry, loader, issueAt);
    if (!env) continue;
    const sub = loader.withEnvironment(env);
    let included: Obj | undefined;
    let failed = false;
    for (const path of entry.paths) {
      const loaded = sub.load(path);
      if (!loaded) {
        failed = true;
        break;
      }
      applyExtends(loaded, path, sub);
      included = included ? mergeComposeDocuments(included, loaded, origins) : loaded;
    }
    if (!included || failed) continue;
    applyInclude(included, entry.paths[0] as string, sub, [...stack, ...entry.paths]);
    for (const service of Object.values(isObj(included.services) ? included.services : {})) {
      if (isObj(service)) rebaseServicePaths(service, entry.projectDirectory);
    }
    rebaseResourcePaths(included, entry.projectDirectory);
    origins.markVia(included, `include ${relative(dirname(file), entry.paths[0] as string)}`);
    copyResources(doc, included, loader, issueAt);
  }
}

/** A git or OCI reference, which compose can fetch and dev (offline by design) does not. */
function remotePath(raw: unknown): string | undefined {
  const paths = typeof raw === 'string' ? [raw] : isObj(raw) ? [raw.path].flat() : [];
  return paths.find(
    (p): p is string => typeof p === 'string' && /^(oci:\/\/|git@|git:\/\/|https?:\/\/|ssh:\/\/)/.test(p),
  );
}

function readEntry(raw: unknown, dir: string): IncludeEntry | undefined {
  const toList = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const spec = typeof raw === 'string' ? { path: raw } : isObj(raw) ? raw : undefined;
  const paths = toList(spec?.path).map((p) => resolve(dir, p));
  const first = paths[0];
  if (!spec || !first) return undefined;
  const projectDirectory =
    typeof spec.project_directory === 'string' ? resolve(dir, spec.project_directory) : dirname(first);
  const explicit = toList(spec.env_file).map((p) => resolve(dir, p));
  return {
    paths,
    projectDirectory,
    envFiles: explicit.length > 0 ? explicit : [resolve(projectDirectory, '.env')],
    envFilesRequired: explicit.length > 0,
  };
}

/** The included project's `.env` values, under the including project's variables. */
function includedEnvironment(
  entry: IncludeEntry,
  loader: DocumentLoader,
  issueAt: (message: string, hint?: string) => void,
): ProjectEnvironment | undefined {
  const parent = loader.options.env;
  const files: { file: string; values: Record<string, string> }[] = [];
  for (const file of entry.envFiles) {
    if (!entry.envFilesRequired && !existsSync(file)) continue;
    try {
      const text = loader.options.readText(file);
      const known = Object.assign({}, ...files.map((f) => f.values)) as Record<string, string>;
      files.push({ file, values: parseDotenv(text, { file, lookup: (n) => parent.value(n) ?? known[n] }) });
    } catch (e) {
      issueAt(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }
  return parent.under(files);
}

function copyResources(
  doc: Obj,
  included: Obj,
  loader: DocumentLoader,
  issueAt: (message: string, hint?: string) => void,
): void {
  const { origins } = loader.options;
  for (const section of SECTIONS) {
    const from = included[section];
    if (!isObj(from)) continue;
    let to = doc[section];
    if (!isObj(to)) {
      to = Object.create(null) as Obj;
      doc[section] = to;
    }
    const target = to as Obj;
    for (const [name, value] of Object.entries(from)) {
      if (name in target && !sameValue(target[name], value)) {
        issueAt(
          `${section}.${name} is defined here and in the included project, differently`,
          `rename one of them, or define ${section}.${name} only once`,
        );
        continue;
      }
      target[name] = value;
      origins.copy(target, name, from, name);
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
