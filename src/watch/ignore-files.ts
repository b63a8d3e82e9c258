/**
 * Reads the ignore files a watch honours: the build context's `.dockerignore` (or
 * `<Dockerfile>.dockerignore`, as BuildKit prefers it), and the `.gitignore` files of the
 * repository: those from the repository's top down to the watched paths, and those inside them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { BuildConfig } from '../model/build.js';
import { builtInLayer, decideLayer, type IgnoreLayer } from './ignore-model.js';
import { compilePatternFile } from './patterns.js';

/** A layer and the files it was read from (watched, so that editing them takes effect). */
export interface LoadedLayer {
  layer: IgnoreLayer;
  files: string[];
}

/** The service's `.dockerignore`; undefined without a local build context. */
export function loadDockerignore(
  build: BuildConfig | undefined,
  projectDir: string,
): LoadedLayer | undefined {
  if (!build?.context.startsWith('/')) return undefined;
  const candidates = [
    ...(build.dockerfile ? [join(build.context, `${build.dockerfile}.dockerignore`)] : []),
    join(build.context, '.dockerignore'),
  ];
  const file = candidates.find((f) => existsSync(f));
  const name = file ? relative(projectDir, file) || '.dockerignore' : '.dockerignore';
  if (!file) return { layer: { name, dialect: 'docker', patterns: [] }, files: candidates.slice(-1) };
  const patterns = compilePatternFile(readFileSync(file, 'utf8'), {
    dialect: 'docker',
    base: build.context,
    source: name,
  });
  return { layer: { name, dialect: 'docker', patterns }, files: [file] };
}

/**
 * Every `.gitignore` that applies under `roots`, as one layer ordered shallow to deep (deeper
 * files win, as in git). Outside a git repository, the project directory counts as its top.
 */
export function loadGitignore(projectDir: string, roots: string[]): LoadedLayer {
  const top = gitTop(projectDir) ?? projectDir;
  const layer: IgnoreLayer = { name: '.gitignore', dialect: 'gitignore', patterns: [] };
  const files: string[] = [];
  const read = (dir: string) => {
    const file = join(dir, '.gitignore');
    files.push(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const source = relative(projectDir, file) || '.gitignore';
    layer.patterns.push(...compilePatternFile(text, { dialect: 'gitignore', base: dir, source }));
  };
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    read(dir);
  };
  // Directories from the top down to each root, then the trees under the roots.
  for (const root of [projectDir, ...roots]) {
    const chain: string[] = [];
    for (let d = root; d.startsWith(top); d = dirname(d)) {
      chain.unshift(d);
      if (d === top || d === dirname(d)) break;
    }
    for (const d of chain) visit(d);
  }
  const builtIn = builtInLayer('/');
  for (const root of roots) walkDirs(root, layer, builtIn, visit);
  return { layer, files: [...new Set(files)].sort() };
}

/** The nearest directory at or above `dir` holding `.git`. */
export function gitTop(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (d === dirname(d)) return undefined;
  }
}

/** Visits the directories under `root` that are not ignored, shallow first, reading each .gitignore on the way. */
function walkDirs(
  root: string,
  layer: IgnoreLayer,
  builtIn: IgnoreLayer,
  visit: (dir: string) => void,
): void {
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const dir = queue[i] as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    visit(dir);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = join(dir, e.name);
      if (decideLayer(builtIn, child, true).ignored || decideLayer(layer, child, true).ignored) continue;
      queue.push(child);
    }
  }
}
