/**
 * `dev cp`: files between the host and a service's container, with the docker CLI's rules:
 * into an existing directory under the source's name, otherwise under the destination's name.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { extractArchive } from '../../engine/archive/extract-archive.js';
import { packPaths } from '../../engine/archive/pack-paths.js';
import { DevError } from '../../model/errors.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';

export async function runCp(
  ctx: CommandContext<{ index?: string; archive?: boolean; followLink?: boolean; engine?: string }>,
): Promise<number> {
  const { options: o, io } = ctx;
  const [source = '', destination = ''] = ctx.args;
  const from = splitRemote(source);
  const to = splitRemote(destination);
  if ((from.service === undefined) === (to.service === undefined)) {
    throw new DevError('USAGE', 'cp copies between a container and the host: one side must be SERVICE:PATH', {
      hint: 'dev cp web:/etc/nginx/nginx.conf . or dev cp ./site web:/srv',
    });
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const service = (from.service ?? to.service) as string;
  const containers = await projectContainers(engine, session.project, { services: [service], all: true });
  const index = Number(o.index ?? 1);
  const container = containers.find((c) => c.number === index) ?? (o.index ? undefined : containers[0]);
  if (!container)
    throw new DevError(
      'NOT_RUNNING',
      `service "${service}" has no container${o.index ? ` number ${index}` : ''}`,
    );

  if (from.service !== undefined) {
    const src = from.path;
    const dest = resolve(io.cwd, to.path);
    const destInfo = await stat(dest).catch(() => undefined);
    const tar = await engine.getArchive(container.id, src);
    const name = basename(src) || '.';
    if (destInfo?.isDirectory()) await extractArchive(tar, dest);
    else await extractArchive(tar, dirname(dest), { rename: { from: name, to: basename(dest) } });
    return 0;
  }
  const src = resolve(io.cwd, from.path);
  await stat(src).catch(() => {
    throw new DevError('CP_NO_SOURCE', `no such file or directory: ${from.path}`);
  });
  const target = to.path;
  const info = await engine.statPath(container.id, target);
  let dir: string;
  let name: string;
  if (info?.isDirectory) {
    dir = target;
    name = basename(src);
  } else {
    if (target.endsWith('/'))
      throw new DevError('CP_NO_DIRECTORY', `no such directory in ${container.name}: ${target}`);
    dir = dirname(target);
    name = basename(target);
  }
  const tar = await packPaths([{ hostPath: src, name }], {
    ...(o.archive ? { keepOwners: true } : {}),
    ...(o.followLink ? { followLinks: true } : {}),
  });
  await engine.putArchive(container.id, dir, tar);
  return 0;
}

/** `web:/etc/hosts` → service and path; a plain path (even with a colon after a slash) is local. */
function splitRemote(arg: string): { service?: string; path: string } {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*):(.*)$/.exec(arg);
  if (!m || arg.startsWith('.') || arg.startsWith('/')) return { path: arg };
  return { service: m[1] as string, path: m[2] || '/' };
}
