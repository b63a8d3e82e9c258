/** /containers/* routes (being built by the container part). */
import type { ContainerService } from '../containers/container-service.js';
import type { DaemonContext } from '../daemon-context.js';
import type { Router } from './router.js';

export function registerContainerRoutes(
  _router: Router,
  _ctx: DaemonContext,
  _containers: ContainerService,
): void {}
