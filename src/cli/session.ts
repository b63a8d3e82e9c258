/**
 * What most commands start with: the project loaded from the compose files (or, for commands
 * that can work without files such as `down -p x`, just its name), and the engine found.
 */
import { homedir } from 'node:os';
import type { LoadedProject } from '../compose/load-project.js';
import type { Engine } from '../engine/engine.js';
import { DevError } from '../model/errors.js';
import type { Project } from '../model/project.js';
import type { CliIO } from './io.js';
import { type GlobalOptions, loadOptions } from './program.js';

export interface ProjectSession {
  /** Absent when the command runs by project name alone (no compose file found). */
  loaded?: LoadedProject;
  project: Project;
}

/** Loads the project; with `nameOnly`, a missing compose file is fine when `-p` names the project. */
export async function openProject(
  options: GlobalOptions,
  io: CliIO,
  extra: { services?: string[]; nameOnly?: boolean } = {},
): Promise<ProjectSession> {
  const { loadProject } = await import('../compose/load-project.js');
  try {
    const loaded = loadProject({
      ...loadOptions(options, io),
      ...(extra.services ? { services: extra.services } : {}),
    });
    return { loaded, project: loaded.project };
  } catch (error) {
    const name = options.projectName ?? io.env.COMPOSE_PROJECT_NAME;
    if (extra.nameOnly && name && error instanceof DevError && error.code === 'COMPOSE_FILE_NOT_FOUND') {
      return { project: emptyProject(name) };
    }
    throw error;
  }
}

/**
 * The engine the flags and environment point at (see src/engine/detect). The bundled engine is
 * started when chosen and not running, and, on Linux as root, when no other engine answers.
 */
export async function openEngine(options: GlobalOptions & { engine?: string }, io: CliIO): Promise<Engine> {
  const { detectEngine } = await import('../engine/detect/detect-engine.js');
  const choice = (options.engine ?? io.env.DEV_ENGINE)?.trim() || undefined;
  const explicit = choice === 'bundled';
  const bundled = async () => {
    // loaded only when needed: other engines' cold start pays nothing for it
    const { openBundledEngine } = await import('../engine/detect/bundled-engine.js');
    return openBundledEngine({
      env: io.env,
      onStarted: () =>
        io.stderr.write(
          explicit
            ? "started dev's bundled engine (dev engine stop stops it)\n"
            : "no Docker engine found; started dev's bundled engine (dev engine stop stops it)\n",
        ),
    });
  };
  return detectEngine({
    env: io.env,
    homedir: io.env.HOME ?? homedir(),
    ...(options.engine ? { engineFlag: options.engine } : {}),
    bundled,
    // only without a choice: `--engine docker` that finds no Docker must not run the project elsewhere
    bundledFallback: choice === undefined && process.platform === 'linux' && process.getuid?.() === 0,
  });
}

function emptyProject(name: string): Project {
  return { name, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {} };
}
