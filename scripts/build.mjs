#!/usr/bin/env node
// Builds dist/dev.js: the compose schema compiled to standalone validator code, then the CLI
// bundled by esbuild with code splitting, so each command loads only the modules it needs.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

execFileSync(process.execPath, [join(root, 'scripts/build-schema.mjs')], { stdio: 'inherit' });

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: { dev: join(root, 'src/cli/main.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  define: { __DEV_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __devCreateRequire } from 'node:module';\nconst require = __devCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(join(root, 'dist/dev.js'), 0o755);
