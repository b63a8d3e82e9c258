/**
 * `extends`: a service starts from another one (same file or `file:`), merged by the same
 * rules as override files, chains followed to the end, cycles reported with their path.
 */
import { dirname, relative, resolve } from 'node:path';
import type { DocumentLoader, Obj } from './document-loader.js';
import { isObj } from './document-loader.js';
import { mergeServices } from './merge.js';
import { cloneWithOrigins, pathToPointer } from './origins.js';
import { rebaseServicePaths } from './rebase-paths.js';

interface ExtendsRef {
  service: string;
  file?: string;
}

/** Resolves `extends` of every service of `doc` (read from `file`) in place. */
export function applyExtends(doc: Obj, file: string, loader: DocumentLoader): void {
  const services = doc.services;
  if (!isObj(services)) return;
  for (const name of Object.keys(services)) resolveService(doc, file, name, [], loader);
}

/** The service `name` of `doc` with its extends chain applied (in place), or undefined if it fails. */
function resolveService(
  doc: Obj,
  file: string,
  name: string,
  stack: string[],
  loader: DocumentLoader,
): Obj | undefined {
  const services = doc.services as Obj;
  const service = services[name];
  if (service === null) return Object.create(null) as Obj; // `svc:` left empty
  if (!isObj(service)) return undefined;
  const ref = readRef(service.extends);
  if (!ref) return service;

  const { origins, issues } = loader.options;
  const here = `${name} (${file})`;
  const issueAt = (message: string, hint?: string) => {
    const origin = origins.get(service, 'extends');
    issues.push({
      severity: 'error',
      pointer: pathToPointer(['services', name, 'extends']),
      ...(origin ? { position: origins.sourcePosition(origin) } : { file }),
      message,
      ...(hint ? { hint } : {}),
    });
    delete service.extends; // reported once, not again from each service of the chain
  };
  if (stack.includes(here)) {
    const names = [...stack.slice(stack.indexOf(here)), here].map((s) => s.replace(/ \(.*\)$/, ''));
    issueAt(`extends cycle: ${names.join(' -> ')}`, 'remove one of the extends in the cycle');
    return undefined;
  }

  let baseDoc = doc;
  let baseFile = file;
  if (ref.file !== undefined) {
    baseFile = resolve(dirname(file), ref.file);
    const loaded = loader.load(baseFile);
    if (!loaded) return undefined;
    baseDoc = loaded;
  }
  const baseServices = baseDoc.services;
  if (!isObj(baseServices) || !(ref.service in baseServices)) {
    const where = ref.file !== undefined ? ` in ${ref.file}` : '';
    issueAt(
      `service "${name}" extends "${ref.service}", which is not defined${where}`,
      'check the service name',
    );
    return undefined;
  }
  const resolvedBase = resolveService(baseDoc, baseFile, ref.service, [...stack, here], loader);
  if (!resolvedBase) return undefined;

  const base = cloneWithOrigins(resolvedBase, origins);
  if (dirname(baseFile) !== dirname(file)) rebaseServicePaths(base, dirname(baseFile));
  const shortFile = relative(dirname(file), baseFile) || baseFile;
  origins.markVia(base, `extends ${ref.service}${ref.file !== undefined ? ` from ${shortFile}` : ''}`);

  const own: Obj = Object.create(null);
  for (const [k, v] of Object.entries(service)) {
    if (k === 'extends') continue;
    own[k] = v;
    origins.copy(own, k, service, k);
  }
  const merged = mergeServices(base, own, origins);
  services[name] = merged;
  return merged;
}

function readRef(value: unknown): ExtendsRef | undefined {
  if (typeof value === 'string') return { service: value };
  if (isObj(value) && typeof value.service === 'string') {
    return typeof value.file === 'string'
      ? { service: value.service, file: value.file }
      : { service: value.service };
  }
  return undefined;
}
