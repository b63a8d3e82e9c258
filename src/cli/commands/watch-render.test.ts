import { describe, expect, it } from 'vitest';
import { DevError } from '../../model/errors.js';
import { formatWatchEvent } from './watch-render.js';

const plain = {
  red: (s: string) => s,
  yellow: (s: string) => s,
  dim: (s: string) => s,
  bold: (s: string) => s,
};
const o = { project: 'shop', cwd: '/p', style: plain };

describe('formatWatchEvent', () => {
  it('says what a sync, a rebuild and a restart did, in one short line', () => {
    expect(
      formatWatchEvent(
        { kind: 'synced', service: 'web', sent: 3, deleted: 0, containers: 1, ms: 38.2, paths: [] },
        o,
      ),
    ).toEqual(['web: synced 3 files in 38 ms']);
    expect(
      formatWatchEvent(
        { kind: 'synced', service: 'web', sent: 1, deleted: 2, containers: 2, ms: 50, paths: [] },
        o,
      ),
    ).toEqual(['web: synced 1 file, deleted 2 files to 2 containers in 50 ms']);
    expect(
      formatWatchEvent(
        { kind: 'rebuilt', service: 'api', ms: 4210, recreated: ['shop-api-1'], restarted: [] },
        o,
      ),
    ).toEqual(['api: rebuilt in 4.2 s, recreated']);
    expect(
      formatWatchEvent({ kind: 'rebuilt', service: 'api', ms: 900, recreated: [], restarted: [] }, o),
    ).toEqual(['api: rebuilt in 900 ms, image unchanged, container kept']);
    expect(
      formatWatchEvent(
        { kind: 'restarted', service: 'db', containers: ['shop-db-1'], dependents: ['shop-api-1'], ms: 1200 },
        o,
      ),
    ).toEqual(['db: restarted in 1.2 s (and api-1)']);
  });

  it('names the rule, the path and a hint of a failure, and that the watch goes on', () => {
    const error = new DevError('APPLY_FAILED', 'build failed: RUN exit 1', { hint: 'fix the Dockerfile' });
    expect(
      formatWatchEvent(
        {
          kind: 'failed',
          action: 'rebuild',
          service: 'api',
          rule: 'api develop.watch[0] (rebuild ./api)',
          path: '/p/api/x',
          error,
        },
        o,
      ),
    ).toEqual([
      'api: rebuild failed: build failed: RUN exit 1',
      '  rule: api develop.watch[0] (rebuild ./api)',
      '  path: api/x',
      '  hint: fix the Dockerfile',
      '  still watching',
    ]);
  });

  it('quotes the command of a sync+exec rule as a shell would', () => {
    const lines = formatWatchEvent(
      {
        kind: 'executed',
        service: 'web',
        container: 'shop-web-1',
        command: ['sh', '-c', 'make all'],
        exitCode: 0,
        output: 'ok\n',
        ms: 12,
      },
      o,
    );
    expect(lines).toEqual(["web: ran `sh -c 'make all'` in web-1 in 12 ms", '  ok']);
  });
});
