/** /volumes/* routes (being built). */
import type { DaemonContext } from '../daemon-context.js';
import type { Router } from './router.js';

export function registerVolumeRoutes(_router: Router, _ctx: DaemonContext): void {}
