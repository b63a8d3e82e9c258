/** How a plan step is named in progress output, as Compose names resources: `Container trio-web-1`. */
import type { Step } from '../../planner/plan.js';

export function stepLabel(step: Step): string {
  switch (step.kind) {
    case 'pull-image':
    case 'build-image':
    case 'remove-image':
      return `Image ${step.image}`;
    case 'create-network':
    case 'remove-network':
      return `Network ${step.name}`;
    case 'create-volume':
    case 'remove-volume':
      return `Volume ${step.name}`;
    case 'wait-service':
      return `Service ${step.service}`;
    default:
      return `Container ${step.name}`;
  }
}

/** The word shown while a step runs: Creating, Pulling, Waiting. */
export function stepActiveWord(step: Step): string {
  switch (step.kind) {
    case 'pull-image':
      return 'Pulling';
    case 'build-image':
      return 'Building';
    case 'create-network':
    case 'create-volume':
      return 'Creating';
    case 'create-container':
      return step.replaces ? 'Recreating' : 'Creating';
    case 'start-container':
      return 'Starting';
    case 'restart-container':
      return 'Restarting';
    case 'stop-container':
      return 'Stopping';
    case 'remove-container':
    case 'remove-network':
    case 'remove-volume':
    case 'remove-image':
      return 'Removing';
    case 'wait-service':
      return 'Waiting';
    case 'keep-container':
      return 'Running';
  }
}
