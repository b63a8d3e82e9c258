#!/usr/bin/env node
// Builds the CLI: the compose schema compiled to standalone validator code, then three bundles:
// dist/dev-main.cjs (the whole CLI, CommonJS so it can run from V8's code cache),
// dist/dev.cjs (the small launcher that runs it through that cache; `bin` in package.json) and
// dist/dev-engine.cjs (the bundled engine's daemon).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

execFileSync(process.execPath, [join(root, 'scripts/build-schema.mjs')], { stdio: 'inherit' });

// Built into a fresh directory, then each file renamed into dist/: a `dev` running meanwhile
// (tests, benchmarks) never finds dist/ empty or a file half-written.
const dist = join(root, 'dist');
const out = join(root, `.dist-${process.pid}`);
rmSync(out, { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  define: {
    __DEV_VERSION__: JSON.stringify(pkg.version),
    // Sources are ESM; in the CommonJS bundle import.meta.url is the file's own URL.
    'import.meta.url': '__devImportMetaUrl',
  },
  banner: { js: "const __devImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await build({
  ...common,
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(out, 'dev-main.cjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src/cli/launcher.ts')],
  outfile: join(out, 'dev.cjs'),
  sourcemap: false,
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(join(out, 'dev.cjs'), 0o755);
// The bundled engine's daemon, started by `dev engine start` (or by dev when no engine answers).
await build({
  ...common,
  entryPoints: [join(root, 'src/engine/daemon/main.ts')],
  outfile: join(out, 'dev-engine.cjs'),
});
mkdirSync(dist, { recursive: true });
const built = new Set(readdirSync(out));
for (const name of built) renameSync(join(out, name), join(dist, name));
for (const name of readdirSync(dist))
  if (!built.has(name)) rmSync(join(dist, name), { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
