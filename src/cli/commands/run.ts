/**
 * `dev run`: a one-off container of a service (its dependencies started first unless
 * `--no-deps`), attached to this terminal, with the command, environment, entrypoint, user,
 * ports and volumes the flags give; `--rm` removes it when it exits.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { parsePortSpec } from '../../compose/normalize-ports.js';
import { parseVolumeSpec } from '../../compose/normalize-volumes.js';
import { splitShellWords } from '../../compose/shell-words.js';
import { buildContainerSpec } from '../../engine/container-spec.js';
import type { Engine } from '../../engine/engine.js';
import { DevError } from '../../model/errors.js';
import type { Project, ServiceConfig } from '../../model/project.js';
import { installInterrupt } from '../interrupt.js';
import type { CliIO } from '../io.js';
import type { CommandContext } from '../program.js';
import type { ProgressMode } from '../render/progress.js';
import { openEngine, openProject, type ProjectSession } from '../session.js';
import { VERSION } from '../version.js';
import { applyPlan, imageOf, planUp } from './apply.js';
import { parseEnv } from './exec.js';
import { runAttached } from './tty.js';

export interface RunOptions {
  rm?: boolean;
  detach?: boolean;
  name?: string;
  env?: string[];
  entrypoint?: string;
  user?: string;
  workdir?: string;
  tty?: boolean;
  interactive?: boolean;
  publish?: string[];
  servicePorts?: boolean;
  useAliases?: boolean;
  deps?: boolean;
  label?: string[];
  volume?: string[];
  capAdd?: string[];
  capDrop?: string[];
  build?: boolean;
  removeOrphans?: boolean;
  engine?: string;
}

export async function runRun(ctx: CommandContext<RunOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const [service, ...command] = ctx.args;
  if (!service) throw new DevError('USAGE', 'run needs a service', { hint: 'dev run web sh' });
  const session = await openProject(o, io, { services: [service] });
  const base = session.project.services[service];
  if (!base) {
    throw new DevError('NO_SUCH_SERVICE', `no such service: ${service}`, {
      hint: `services: ${Object.keys(session.project.services).join(', ')}`,
    });
  }
  const engine = await openEngine(o, io);
  const deps = Object.keys(base.depends_on ?? {});
  if (o.deps !== false && deps.length > 0) {
    const plan = await planUp(engine, session, {
      services: deps,
      ...(o.removeOrphans ? { removeOrphans: true } : {}),
    });
    await applyPlan({ engine, session, plan, io, progress: o.progress });
  }
  await ensureImage(engine, session, service, { build: o.build === true, io, progress: o.progress });
  const project = withOverrides(session.project, service, o, io.cwd);
  const tty = o.tty !== false && !o.detach && !!process.stdin.isTTY && !!process.stdout.isTTY;
  const interactive = o.interactive !== false && !o.detach;
  const spec = buildContainerSpec({
    project,
    service,
    number: 1,
    image: imageOf(project, service),
    oneoff: true,
    slug: randomBytes(6).toString('hex'),
    devVersion: VERSION,
    configFiles: session.loaded?.files ?? [],
    environmentFiles: session.loaded?.envFiles ?? [],
    environment: io.env,
    useAliases: o.useAliases === true,
    ...(o.name ? { name: o.name } : {}),
    overrides: {
      ...(command.length > 0 ? { command } : {}),
      ...(o.entrypoint !== undefined ? { entrypoint: splitShellWords(o.entrypoint) } : {}),
      ...(o.env?.length ? { environment: parseEnv(o.env, io.env) } : {}),
      ...(o.user ? { user: o.user } : {}),
      ...(o.workdir ? { workingDir: o.workdir } : {}),
      tty,
      stdinOpen: interactive,
      publishPorts: o.servicePorts === true || (o.publish?.length ?? 0) > 0,
    },
  });
  const id = await engine.createContainer(spec);
  if (o.detach) {
    await engine.startContainer(id);
    io.stdout.write(`${spec.name}\n`);
    return 0;
  }
  const interrupt = installInterrupt();
  try {
    const exited = engine.waitContainer(id, 'next-exit');
    await runAttached(tty, (streams) =>
      engine
        .attach(
          id,
          {
            ...(interactive ? streams : { stdout: streams.stdout, stderr: streams.stderr }),
            tty,
            onAttached: () => {
              engine.startContainer(id).catch((error: unknown) => {
                io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
              });
            },
          },
          interrupt.signal,
        )
        .then(() => 0),
    );
    if (interrupt.signal.aborted) await engine.stopContainer(id).catch(() => {});
    const code = await exited;
    return interrupt.signal.aborted ? 130 : code;
  } finally {
    interrupt.dispose();
    if (o.rm) await engine.removeContainer(id, { force: true, volumes: true }).catch(() => {});
  }
}

/** Builds or pulls the service's image when the engine lacks it (or `--build`). */
async function ensureImage(
  engine: Engine,
  session: ProjectSession,
  service: string,
  o: { build: boolean; io: CliIO; progress: ProgressMode },
): Promise<void> {
  const image = imageOf(session.project, service);
  const present = await engine.inspectImage(image);
  const config = session.project.services[service];
  if (present && (!o.build || !config?.build)) return;
  const step = config?.build
    ? {
        kind: 'build-image' as const,
        id: `image:build:${service}`,
        after: [],
        reason: 'dev run',
        service,
        image,
      }
    : {
        kind: 'pull-image' as const,
        id: `image:pull:${image}`,
        after: [],
        reason: 'dev run',
        image,
        services: [service],
      };
  await applyPlan({
    engine,
    session,
    plan: { project: session.project.name, steps: [step], orphans: [], warnings: [] },
    io: o.io,
    progress: o.progress,
  });
}

/** The project with the service changed by `-p`, `-v`, `-l`, `--cap-add`/`--cap-drop`. */
function withOverrides(project: Project, name: string, o: RunOptions, cwd: string): Project {
  const service: ServiceConfig = { ...(project.services[name] as ServiceConfig) };
  if (!o.servicePorts) service.ports = (o.publish ?? []).flatMap((p) => parsePortSpec(p));
  if (o.volume?.length) {
    const extra = o.volume.map((v) => {
      const mount = parseVolumeSpec(v);
      if (mount.type === 'bind' && mount.source && !isAbsolute(mount.source))
        mount.source = resolve(cwd, mount.source);
      return mount;
    });
    service.volumes = [
      ...(service.volumes ?? []).filter((m) => !extra.some((e) => e.target === m.target)),
      ...extra,
    ];
  }
  if (o.label?.length) {
    service.labels = { ...service.labels, ...Object.fromEntries(o.label.map((l) => splitPair(l))) };
  }
  if (o.capAdd?.length) service.cap_add = [...(service.cap_add ?? []), ...o.capAdd];
  if (o.capDrop?.length) service.cap_drop = [...(service.cap_drop ?? []), ...o.capDrop];
  // A one-off container never restarts by itself and has no fixed name.
  delete service.restart;
  delete service.container_name;
  return { ...project, services: { ...project.services, [name]: service } };
}

function splitPair(text: string): [string, string] {
  const i = text.indexOf('=');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}
