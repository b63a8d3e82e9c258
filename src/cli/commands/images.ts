/**
 * `build`, `pull`, `push`, `images`: the project's images. Build and pull run as plan steps
 * through the executor, so they show the same progress as `up` and run in parallel.
 */
import { DevError } from '../../model/errors.js';
import type { Plan, Step } from '../../planner/plan.js';
import type { CommandContext } from '../program.js';
import { formatTable } from '../render/table.js';
import { openEngine, openProject } from '../session.js';
import { applyPlan, imageOf } from './apply.js';
import { projectContainers } from './project-containers.js';

export interface ImagesOptions {
  noCache?: boolean;
  pull?: boolean;
  buildArg?: string[];
  quiet?: boolean;
  ignorePullFailures?: boolean;
  ignorePushFailures?: boolean;
  format?: string;
  engine?: string;
}

export async function runBuild(ctx: CommandContext<ImagesOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { services: ctx.args });
  const { project } = session;
  const args = Object.fromEntries((o.buildArg ?? []).map((a) => splitArg(a, io.env)));
  const names = pick(project.services, ctx.args).filter((s) => project.services[s]?.build);
  for (const name of names) {
    const service = project.services[name];
    if (service?.build && Object.keys(args).length > 0)
      service.build = { ...service.build, args: { ...service.build.args, ...args } };
  }
  const steps: Step[] = names.map((service) => ({
    kind: 'build-image',
    id: `image:build:${service}`,
    after: [],
    reason: 'dev build',
    service,
    image: imageOf(project, service),
  }));
  if (steps.length === 0) {
    io.stderr.write('No services to build\n');
    return 0;
  }
  const engine = await openEngine(o, io);
  await applyPlan({
    engine,
    session,
    plan: plan(project.name, steps),
    io,
    progress: o.quiet ? 'quiet' : o.progress,
    build: { ...(o.noCache ? { noCache: true } : {}), ...(o.pull ? { pull: true } : {}) },
  });
  return 0;
}

export async function runPull(ctx: CommandContext<ImagesOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { services: ctx.args });
  const { project } = session;
  const byImage = new Map<string, string[]>();
  for (const name of pick(project.services, ctx.args)) {
    const image = project.services[name]?.image;
    if (image) byImage.set(image, [...(byImage.get(image) ?? []), name]);
  }
  const steps: Step[] = [...byImage].sort().map(([image, services]) => ({
    kind: 'pull-image',
    id: `image:pull:${image}`,
    after: [],
    reason: 'dev pull',
    image,
    services,
  }));
  const engine = await openEngine(o, io);
  try {
    await applyPlan({
      engine,
      session,
      plan: plan(project.name, steps),
      io,
      progress: o.quiet ? 'quiet' : o.progress,
    });
  } catch (error) {
    if (!o.ignorePullFailures) throw error;
    io.stderr.write(`warning: ${(error as Error).message}\n`);
  }
  return 0;
}

export async function runPush(ctx: CommandContext<ImagesOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { services: ctx.args });
  const { project } = session;
  const engine = await openEngine(o, io);
  const images = [
    ...new Set(
      pick(project.services, ctx.args).flatMap((s) =>
        project.services[s]?.build && project.services[s]?.image
          ? [project.services[s]?.image as string]
          : [],
      ),
    ),
  ];
  for (const image of images.sort()) {
    if (!o.quiet) io.stderr.write(`Image ${image}  Pushing\n`);
    try {
      await engine.pushImage(image);
      if (!o.quiet) io.stderr.write(`Image ${image}  Pushed\n`);
    } catch (error) {
      if (!o.ignorePushFailures) throw error;
      io.stderr.write(`warning: ${(error as Error).message}\n`);
    }
  }
  return 0;
}

export async function runImages(ctx: CommandContext<ImagesOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const containers = await projectContainers(engine, session.project, { services: ctx.args, all: true });
  const images = await engine.listImages();
  const byId = new Map(images.map((i) => [i.id, i]));
  const rows = containers.map((c) => {
    const image = byId.get(c.imageId);
    const tag = image?.tags.find((t) => t === c.image) ?? image?.tags[0] ?? c.image;
    const i = tag.lastIndexOf(':');
    const [repo, version] =
      i > tag.lastIndexOf('/') && i >= 0 ? [tag.slice(0, i), tag.slice(i + 1)] : [tag, 'latest'];
    return { container: c.name, repo, version, id: c.imageId, size: image?.size ?? 0 };
  });
  if (o.quiet) {
    io.stdout.write([...new Set(rows.map((r) => r.id))].map((id) => `${id}\n`).join(''));
  } else if (o.format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        rows.map((r) => ({
          ContainerName: r.container,
          Repository: r.repo,
          Tag: r.version,
          ID: r.id,
          Size: r.size,
        })),
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout.write(
      formatTable(
        ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
        rows.map((r) => [
          r.container,
          r.repo,
          r.version,
          r.id.replace(/^sha256:/, '').slice(0, 12),
          humanSize(r.size),
        ]),
      ),
    );
  }
  return 0;
}

function plan(project: string, steps: Step[]): Plan {
  return { project, steps, orphans: [], warnings: [] };
}

function pick(services: Record<string, unknown>, names: string[]): string[] {
  for (const n of names) {
    if (!(n in services))
      throw new DevError('NO_SUCH_SERVICE', `no such service: ${n}`, {
        hint: `services: ${Object.keys(services).join(', ')}`,
      });
  }
  return names.length > 0 ? names : Object.keys(services).sort();
}

function splitArg(arg: string, env: Record<string, string | undefined>): [string, string] {
  const i = arg.indexOf('=');
  return i < 0 ? [arg, env[arg] ?? ''] : [arg.slice(0, i), arg.slice(i + 1)];
}

/** `12.3MB` as Docker prints sizes (decimal units). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)}${units[u]}`;
}
