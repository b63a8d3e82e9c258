/**
 * Container names and ids as dockerd resolves them: a full id first, then a name (with or
 * without the leading `/`), then a unique id prefix. Names are reserved synchronously, so two
 * concurrent creates of one name cannot both win.
 */
import { ApiError, badRequest, conflict } from '../api/api-error.js';

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Names → ids and the set of ids. */
export class NameIndex {
  private readonly byName = new Map<string, string>();
  private readonly ids = new Set<string>();

  /** Reserves `name` for `id`; 400 for an invalid name, 409 when taken. */
  reserve(name: string, id: string): void {
    if (!NAME.test(name)) {
      throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const bare = name.replace(/^\//, '');
    const holder = this.byName.get(bare);
    if (holder !== undefined && holder !== id) {
      throw conflict(
        `Conflict. The container name "/${bare}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.byName.set(bare, id);
    this.ids.add(id);
  }

  /** Frees a name (its container is gone or renamed). */
  release(name: string): void {
    this.byName.delete(name.replace(/^\//, ''));
  }

  /** Forgets an id and every name pointing at it. */
  forget(id: string): void {
    this.ids.delete(id);
    for (const [name, holder] of this.byName) if (holder === id) this.byName.delete(name);
  }

  has(name: string): boolean {
    return this.byName.has(name.replace(/^\//, ''));
  }

  /** The id `ref` names: full id, name, then unique prefix; 404 when none, 400 when ambiguous. */
  resolve(ref: string): string {
    if (ref === '') throw badRequest('invalid container name or ID: value is empty');
    if (this.ids.has(ref)) return ref;
    const named = this.byName.get(ref.replace(/^\//, ''));
    if (named !== undefined) return named;
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = [...this.ids].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return matches[0] as string;
      if (matches.length > 1) throw badRequest(`multiple IDs found with provided prefix: ${ref}`);
    }
    throw new ApiError(404, `No such container: ${ref}`);
  }
}
