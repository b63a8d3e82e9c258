/**
 * Values the schema leaves as free strings but Compose rejects later, at run time: checked at
 * load time instead, so `dev config` finds them with everything else.
 */
import type { ComposeIssue } from '../model/errors.js';
import { closest } from './did-you-mean.js';
import { isObj, type Obj } from './document-loader.js';
import { locate } from './locate.js';
import type { Origins } from './origins.js';

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** Checks restart policies of every service of a merged document. */
export function checkValues(raw: Obj, origins: Origins): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const services = isObj(raw.services) ? raw.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isObj(service) || typeof service.restart !== 'string' || RESTART.test(service.restart)) continue;
    const suggestion = closest(service.restart, ['no', 'always', 'unless-stopped', 'on-failure']);
    issues.push({
      ...locate(raw, origins, ['services', name, 'restart']),
      severity: 'error',
      message: `services.${name}.restart must be one of no, always, unless-stopped, on-failure[:max-retries], not "${service.restart}"`,
      ...(suggestion ? { hint: `did you mean \`${suggestion}\`?` } : {}),
    });
  }
  return issues;
}
