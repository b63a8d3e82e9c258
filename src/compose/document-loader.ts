/**
 * One compose file → one raw document: read, parse (positions kept), interpolate, cast typed
 * values. Shared by the main files, `extends: {file}` and `include`; results are cached per
 * path within one environment, since extends chains read the same file many times.
 */
import type { ComposeIssue } from '../model/errors.js';
import { DevError } from '../model/errors.js';
import { castTypedValues } from './cast.js';
import type { ProjectEnvironment } from './environment.js';
import { interpolateDocument, type VariableLookup } from './interpolate.js';
import { mergeComposeDocuments } from './merge.js';
import type { Origins } from './origins.js';
import { parseComposeYaml } from './parse-yaml.js';
import { FileReadError } from './read-text.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface DocumentLoaderOptions {
  origins: Origins;
  env: ProjectEnvironment;
  /** false for `--no-interpolate`: values stay as written, and are not cast. */
  interpolate: boolean;
  /** Reads a file's text; throws DevError for missing files and the like. */
  readText: (path: string) => string;
  /** Problems found so far; loading goes on so that all are reported at once. */
  issues: ComposeIssue[];
}

/** Loads compose files into raw documents for one environment. */
export class DocumentLoader {
  readonly options: DocumentLoaderOptions;
  private readonly cache = new Map<string, Obj | undefined>();

  constructor(options: DocumentLoaderOptions) {
    this.options = options;
  }

  /** A loader for the same files under another environment (an included project's). */
  withEnvironment(env: ProjectEnvironment): DocumentLoader {
    return new DocumentLoader({ ...this.options, env });
  }

  get lookup(): VariableLookup {
    return (name) => this.options.env.get(name);
  }

  /**
   * The raw document of `path` (several YAML documents in one file are merged in order), or
   * undefined when it has errors (they are added to `issues`). `displayName` names stdin.
   */
  load(path: string, displayName = path): Obj | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const doc = this.loadUncached(path, displayName);
    this.cache.set(path, doc);
    return doc;
  }

  private loadUncached(path: string, displayName: string): Obj | undefined {
    const { origins, issues } = this.options;
    let text: string;
    try {
      text = this.options.readText(path);
    } catch (e) {
      if (!(e instanceof DevError)) throw e;
      // The issue already names the file: the message says only what is wrong with it.
      const message = e instanceof FileReadError ? `${e.what} ${e.reason}` : e.message;
      issues.push({
        severity: 'error',
        file: displayName,
        pointer: '',
        message,
        ...(e.hint ? { hint: e.hint } : {}),
      });
      return undefined;
    }
    const parsed = parseComposeYaml(text, displayName, origins);
    issues.push(...parsed.issues);
    if (parsed.issues.some((i) => i.severity === 'error')) return undefined;
    let doc: Obj | undefined;
    for (const value of parsed.documents) {
      if (!isObj(value)) {
        issues.push({
          severity: 'error',
          file: displayName,
          pointer: '',
          message: `the top level of a compose file must be a mapping, not ${describe(value)}`,
          hint: 'start the file with `services:`',
        });
        return undefined;
      }
      doc = doc ? mergeComposeDocuments(doc, value, origins) : value;
    }
    if (!doc) return undefined;
    if (this.options.interpolate) {
      // A value that fails to interpolate is kept as written; the other problems are still found.
      issues.push(...interpolateDocument(doc, this.lookup, origins, displayName));
      issues.push(...castTypedValues(doc, origins, displayName));
    }
    return doc;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}
