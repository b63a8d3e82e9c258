// Generates realistic compose projects of any size for the benchmarks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a compose.yaml with `count` services into `dir`: images, published ports, env,
 * named volumes, depends_on chains, healthchecks, labels, two networks; and a `.env`.
 * `image` lets the engine benchmarks use an image present locally; `tree` shapes the
 * dependencies as a tree instead of a chain.
 */
export function writeProject(dir, count, { image = 'nginx:1.25', command, tree = false } = {}) {
  mkdirSync(dir, { recursive: true });
  const lines = ['services:'];
  for (let i = 0; i < count; i++) {
    const name = `svc${String(i).padStart(4, '0')}`;
    lines.push(`  ${name}:`);
    lines.push(`    image: \${IMAGE:-${image}}`);
    if (command) lines.push(`    command: ${JSON.stringify(command)}`);
    lines.push('    environment:');
    lines.push(`      SERVICE_NAME: ${name}`);
    lines.push('      LOG_LEVEL: ${LOG_LEVEL:-info}');
    lines.push('    labels:');
    lines.push(`      com.example.tier: "${i % 3 === 0 ? 'front' : 'back'}"`);
    lines.push('    volumes:');
    lines.push(`      - data${i % 5}:/var/lib/data`);
    lines.push('    networks: [front, back]');
    if (i > 0) {
      // A chain by default; `tree`: each service depends on one of the level above (fan-out 3),
      // the shape of real projects (a database, services using it, front ends using those).
      const parent = tree ? Math.floor((i - 1) / 3) : i - 1;
      lines.push('    depends_on:');
      lines.push(`      - svc${String(parent).padStart(4, '0')}`);
    }
    lines.push('    healthcheck:');
    lines.push('      test: ["CMD", "true"]');
    lines.push('      interval: 30s');
    lines.push('    restart: unless-stopped');
  }
  lines.push('networks:', '  front: {}', '  back: {}', 'volumes:');
  for (let v = 0; v < 5; v++) lines.push(`  data${v}: {}`);
  writeFileSync(join(dir, 'compose.yaml'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, '.env'), 'LOG_LEVEL=debug\n');
  return join(dir, 'compose.yaml');
}
