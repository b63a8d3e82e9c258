/** /images/*, /build, /commit routes (being built). */
import type { DaemonContext } from '../daemon-context.js';
import type { Router } from './router.js';

export function registerImageRoutes(_router: Router, _ctx: DaemonContext): void {}
