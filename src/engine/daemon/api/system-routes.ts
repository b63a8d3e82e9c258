/** /_ping, /version, /info, /events, /system/df routes (being built). */
import type { DaemonContext } from '../daemon-context.js';
import type { Router } from './router.js';

export function registerSystemRoutes(_router: Router, _ctx: DaemonContext): void {}
