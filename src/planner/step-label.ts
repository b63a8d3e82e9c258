/** How a step reads in `dev plan`: a verb and what it acts on (`pull`, `image nginx:1.25`). */
import type { Step } from './plan.js';

const WAITED: Record<string, string> = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed successfully',
};

/** The verb and object of a step; `object` names the resource as the engine knows it. */
export function stepLabel(step: Step): { verb: string; object: string } {
  switch (step.kind) {
    case 'pull-image':
      return { verb: 'pull', object: `image ${step.image}` };
    case 'build-image':
      return { verb: 'build', object: `image ${step.image}` };
    case 'remove-image':
      return { verb: 'remove', object: `image ${step.image}` };
    case 'create-network':
      return { verb: 'create', object: `network ${step.name}` };
    case 'remove-network':
      return { verb: 'remove', object: `network ${step.name}` };
    case 'create-volume':
      return { verb: 'create', object: `volume ${step.name}` };
    case 'remove-volume':
      return { verb: 'remove', object: `volume ${step.name}` };
    case 'wait-service':
      return { verb: 'wait', object: `service ${step.service} ${WAITED[step.condition] ?? step.condition}` };
    case 'create-container':
      return { verb: 'create', object: `container ${step.name}` };
    case 'start-container':
      return { verb: 'start', object: `container ${step.name}` };
    case 'restart-container':
      return { verb: 'restart', object: `container ${step.name}` };
    case 'stop-container':
      return { verb: 'stop', object: `container ${step.name}` };
    case 'remove-container':
      return { verb: 'remove', object: `container ${step.name}` };
    case 'keep-container':
      return { verb: 'keep', object: `container ${step.name}` };
  }
}

/** The words in parentheses after a step: its reason, with what a reader also needs to know. */
export function stepDetail(step: Step): string {
  switch (step.kind) {
    case 'pull-image':
      return `${step.reason}; used by ${step.services.join(', ')}`;
    case 'build-image':
      return `${step.reason}; service ${step.service}`;
    case 'create-container': {
      const parts = [
        step.onlyIfImageChanged
          ? `${step.reason}; recreate only if the image id changed`
          : step.replaces
            ? `recreate: ${step.reason}`
            : step.reason,
      ];
      if (!step.start) parts.push('not started');
      return parts.join('; ');
    }
    case 'wait-service':
      return step.required ? step.reason : `${step.reason}; optional`;
    case 'remove-container':
      return step.volumes ? `${step.reason}; with its anonymous volumes` : step.reason;
    default:
      return step.reason;
  }
}
