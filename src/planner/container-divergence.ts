/**
 * Why an existing container no longer matches its service, in the words `dev plan` prints:
 * the fields whose digests changed, a new image, a name left by an interrupted recreate.
 */
import { changedFields } from '../model/config-digest.js';
import { Labels } from '../model/labels.js';
import type { ObservedContainer } from '../model/observed.js';

/** The service's desired state, computed once per service. */
export interface DesiredContainer {
  configHash: string;
  configDigests: Record<string, string>;
  /** Id of the service's image as the engine holds it now; undefined when missing. */
  imageId: string | undefined;
  devVersion: string | undefined;
  /** `network_mode service:vpn recreated`: a shared namespace goes away with its container. */
  namespaceGone: string | undefined;
}

/** A reason to recreate, and what it tells the executor and the reader. */
export interface Divergence {
  reason: string;
  changes: string[];
  imageOnly?: boolean;
  toolUpgrade?: boolean;
}

/** Why `container` (which should be named `name`) must be recreated to match `desired`; undefined when it matches. */
export function containerDivergence(
  container: ObservedContainer,
  name: string,
  desired: DesiredContainer,
): Divergence | undefined {
  if (container.state === 'dead' || container.state === 'removing') {
    return { reason: `container is ${container.state}`, changes: [] };
  }
  if (container.name !== name) {
    const aside = container.name.endsWith(`_${name}`);
    return {
      reason: aside ? 'left aside by an interrupted recreate' : `named ${container.name}, not ${name}`,
      changes: [],
    };
  }
  if (container.configHash !== desired.configHash) return configDivergence(container, desired);
  if (desired.imageId && container.imageId && desired.imageId !== container.imageId) {
    return { reason: 'image updated', changes: [], imageOnly: true };
  }
  if (desired.namespaceGone) return { reason: desired.namespaceGone, changes: [] };
  return undefined;
}

function configDivergence(container: ObservedContainer, desired: DesiredContainer): Divergence {
  if (!container.configDigest)
    return { reason: 'config changed (made without per-field digests)', changes: [] };
  const changes = changedFields(container.configDigest, desired.configDigests);
  if (changes.length > 0) return { reason: `config changed: ${listFields(changes)}`, changes };
  // Same fields, another hash: the hash itself changed, i.e. dev did.
  const made = container.labels[Labels.devVersion];
  const reason =
    made !== desired.devVersion
      ? `made by dev ${made ?? '(unknown)'}, which hashed the config differently (no field changed)`
      : 'config hash differs though no field does';
  return { reason, changes: [], toolUpgrade: true };
}

/** Up to six field names, then how many more. */
function listFields(fields: string[]): string {
  const shown = fields.slice(0, 6).join(', ');
  return fields.length > 6 ? `${shown} and ${fields.length - 6} more` : shown;
}
