import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRemoteContext, packBuildContext } from './build-context.js';

async function entries(stream: NodeJS.ReadableStream | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ex = extract();
  stream?.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const h = entry.header;
    out[h.name] =
      h.type === 'directory'
        ? '<dir>'
        : h.type === 'symlink'
          ? `-> ${h.linkname}`
          : Buffer.concat(chunks).toString();
    expect(h.uid).toBe(0);
  }
  return out;
}

describe('packBuildContext', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-ctx-'));
    mkdirSync(join(dir, 'src/deep'), { recursive: true });
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM x');
    writeFileSync(join(dir, 'src/a.ts'), 'a');
    writeFileSync(join(dir, 'src/deep/b.log'), 'b');
    writeFileSync(join(dir, 'logs/keep.log'), 'k');
    writeFileSync(join(dir, 'logs/drop.log'), 'd');
    symlinkSync('src/a.ts', join(dir, 'link'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends everything without a .dockerignore', async () => {
    const ctx = await packBuildContext({ context: dir });
    expect(ctx.dockerfile).toBe('Dockerfile');
    expect(Object.keys(await entries(ctx.body)).sort()).toEqual([
      'Dockerfile',
      'link',
      'logs',
      'logs/drop.log',
      'logs/keep.log',
      'src',
      'src/a.ts',
      'src/deep',
      'src/deep/b.log',
    ]);
  });

  it('honours .dockerignore with exceptions, always sending the Dockerfile and .dockerignore', async () => {
    writeFileSync(
      join(dir, '.dockerignore'),
      '# comment\n\n/logs\n!logs/keep.log\n**/*.log\nDockerfile\n.dockerignore\nlink\n',
    );
    const files = await entries((await packBuildContext({ context: dir })).body);
    expect(files).toEqual({
      '.dockerignore': expect.any(String),
      Dockerfile: 'FROM x',
      src: '<dir>',
      'src/a.ts': 'a',
      'src/deep': '<dir>',
    });
  });

  it('keeps a re-included file in an excluded directory', async () => {
    writeFileSync(join(dir, '.dockerignore'), 'logs\n!logs/keep.log\n');
    const files = await entries((await packBuildContext({ context: dir })).body);
    expect(files['logs/keep.log']).toBe('k');
    expect(files['logs/drop.log']).toBeUndefined();
    expect(files.link).toBe('-> src/a.ts');
  });

  it('adds an inline Dockerfile, or one outside the context, under a generated name', async () => {
    const inline = await packBuildContext({ context: join(dir, 'src'), dockerfile_inline: 'FROM y\n' });
    expect(inline.dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{12}$/);
    expect((await entries(inline.body))[inline.dockerfile]).toBe('FROM y\n');
    const outside = await packBuildContext({ context: join(dir, 'src'), dockerfile: '../Dockerfile' });
    expect((await entries(outside.body))[outside.dockerfile]).toBe('FROM x');
    const nested = await packBuildContext({ context: dir, dockerfile: 'src/a.ts' });
    expect(nested.dockerfile).toBe('src/a.ts');
    expect(Object.keys(await entries(nested.body))).toContain('src/a.ts');
  });

  it('passes remote contexts to the engine', async () => {
    expect(await packBuildContext({ context: 'https://github.com/o/r.git#main', dockerfile: 'D' })).toEqual({
      remote: 'https://github.com/o/r.git#main',
      dockerfile: 'D',
    });
    expect(isRemoteContext('git@github.com:o/r.git')).toBe(true);
    expect(isRemoteContext('/abs/dir')).toBe(false);
  });
});
