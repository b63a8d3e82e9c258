/**
 * Tags and digests → image ids, one JSON record (`<root>/repositories.json`) rewritten
 * atomically on each change. Keys are normalised references (`docker.io/library/busybox:latest`,
 * `docker.io/library/busybox@sha256:...`), as Docker's reference store keeps them.
 */
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';

interface ReferenceFile {
  references: Record<string, string>;
}

/** The reference store of one engine. */
export class ReferenceStore {
  private refs: Map<string, string>;

  constructor(private readonly path: string) {
    const file = readJson<ReferenceFile>(path);
    this.refs = new Map(Object.entries(file?.references ?? {}));
  }

  get(reference: string): string | undefined {
    return this.refs.get(reference);
  }

  /** Points `reference` at `imageId`; returns the id it pointed at before, if another. */
  set(reference: string, imageId: string): string | undefined {
    const previous = this.refs.get(reference);
    if (previous === imageId) return undefined;
    this.refs.set(reference, imageId);
    this.save();
    return previous;
  }

  /** Removes a reference; true when it existed. */
  delete(reference: string): boolean {
    if (!this.refs.delete(reference)) return false;
    this.save();
    return true;
  }

  /** References of one image, sorted. */
  referencesOf(imageId: string): string[] {
    const out: string[] = [];
    for (const [reference, id] of this.refs) if (id === imageId) out.push(reference);
    return out.sort();
  }

  /** Every reference and the image it names. */
  entries(): [string, string][] {
    return [...this.refs];
  }

  private save(): void {
    const references: Record<string, string> = {};
    for (const key of [...this.refs.keys()].sort()) references[key] = this.refs.get(key)!;
    writeJsonAtomic(this.path, { references } satisfies ReferenceFile);
  }
}
