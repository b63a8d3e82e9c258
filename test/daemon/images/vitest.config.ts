/**
 * Runs the image-store tests without the repository's global setup (which builds the CLI):
 * `npx vitest run --config test/daemon/images/vitest.config.ts src/engine/daemon/images`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['src/engine/daemon/images/**/*.test.ts', 'test/daemon/images/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
