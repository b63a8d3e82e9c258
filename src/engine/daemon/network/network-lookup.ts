/** Finding a network as Docker does: exact id, then exact name, then a unique id prefix. Pure. */
import { NetworkError, NetworkNotFoundError } from './network-errors.js';
import type { NetworkRecord } from './network-types.js';

/** The network `idOrName` names; throws NetworkNotFoundError, or NETWORK_INVALID for an ambiguous prefix. */
export function findNetwork(records: NetworkRecord[], idOrName: string): NetworkRecord {
  const exact = records.find((n) => n.id === idOrName) ?? records.find((n) => n.name === idOrName);
  if (exact) return exact;
  const byPrefix = idOrName.length > 0 ? records.filter((n) => n.id.startsWith(idOrName)) : [];
  if (byPrefix.length > 1) {
    throw new NetworkError(
      'NETWORK_INVALID',
      `network ${idOrName} is ambiguous (${byPrefix.length} matches found based on ID prefix)`,
      {
        hint: 'use more characters of the id, or the name',
      },
    );
  }
  const found = byPrefix[0];
  if (!found) throw new NetworkNotFoundError(idOrName);
  return found;
}
