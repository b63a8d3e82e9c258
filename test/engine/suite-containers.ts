/** Engine suite: creating containers from rich service configs, their lifecycle and typed errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainerSpec } from '../../src/engine/container-spec.js';
import { ConflictError, NotFoundError } from '../../src/engine/engine.js';
import { Labels } from '../../src/model/labels.js';
import type { Project } from '../../src/model/project.js';
import type { ServiceConfig } from '../../src/model/service.js';
import type { SuiteContext } from './engine-suite.js';
import { readTar } from './helpers/tar.js';
import { eventually, freePort, TEST_IMAGE } from './helpers/test-image.js';

interface Inspect {
  Id: string;
  Config: Record<string, unknown> & { Env: string[]; Labels: Record<string, string> };
  HostConfig: Record<string, unknown>;
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
}

/** Registers the container tests. */
export function containerTests(t: SuiteContext): void {
  describe('containers', () => {
    let dir: string;
    let project: Project;
    let udpPort: number;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dev-engine-'));
      writeFileSync(join(dir, 'index.html'), 'hello\n');
      writeFileSync(join(dir, 'token.txt'), 's3cret');
      udpPort = await freePort();
      project = richProject(t, dir, udpPort);
      for (const [key, n] of Object.entries(project.networks)) {
        await t.engine.createNetwork(n.name, {
          labels: { ...t.labels(project.name), [Labels.network]: key },
        });
      }
      await t.engine.createVolume(project.volumes.data?.name ?? '', {
        labels: { ...t.labels(project.name), [Labels.volume]: 'data' },
      });
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('creates a container from a rich service config as Compose would', async () => {
      const spec = buildContainerSpec({
        project,
        service: 'web',
        number: 1,
        image: TEST_IMAGE,
        devVersion: 'test',
        configFiles: [join(dir, 'compose.yaml')],
        environmentFiles: [],
      });
      const id = await t.engine.createContainer(spec);
      const c = await t.raw<Inspect>(`/containers/${id}/json`);
      expect(c.Config.Env).toEqual(expect.arrayContaining(['A=1', 'EMPTY=']));
      expect(c.Config.Env.some((e) => e.startsWith('UNSET'))).toBe(false);
      expect(c.Config).toMatchObject({
        Hostname: 'webhost',
        WorkingDir: '/srv',
        User: '0:0',
        StopTimeout: 3,
        Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9, Timeout: 2e9, StartPeriod: 1e9, Retries: 3 },
      });
      // Podman 4.3 shows the signal's number and drops the domain name.
      expect(String(c.Config.StopSignal)).toMatch(/^(SIGTERM|15)$/);
      expect(['example.test', '']).toContain(c.Config.Domainname);
      expect(Object.keys(c.Config.ExposedPorts as object).sort()).toEqual([
        '53/udp',
        '8080/tcp',
        '9000/tcp',
        '9001/tcp',
      ]);
      expect(c.Config.Labels).toMatchObject({
        'app.role': 'web',
        [Labels.project]: project.name,
        [Labels.service]: 'web',
        [Labels.containerNumber]: '1',
        [Labels.oneoff]: 'False',
      });
      expect(c.HostConfig).toMatchObject({
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['MKNOD'],
        ExtraHosts: ['db.local:10.1.2.3'],
        Dns: ['10.0.0.53'],
        DnsSearch: ['example.test'],
        DnsOptions: ['ndots:2'],
        ...(t.init ? { Init: true } : {}),
        ShmSize: 64 * 1024 * 1024,
        Memory: 256 * 1024 * 1024,
        NanoCpus: 5e8,
        PidsLimit: 100,
        GroupAdd: ['100'],
        OomScoreAdj: 100,
      });
      // Podman 4.3 reports these differently (the chosen host port, tmpfs defaults, sysctls and
      // log options left out, `bridge` as the mode): exact for Docker only.
      if (t.engine.info.kind !== 'podman') {
        expect(c.HostConfig).toMatchObject({
          PortBindings: {
            '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
            '53/udp': [{ HostIp: '127.0.0.1', HostPort: String(udpPort) }],
          },
          Tmpfs: { '/run/t': 'size=65536' },
          Sysctls: { 'net.core.somaxconn': '1024' },
          SecurityOpt: ['no-new-privileges:true'],
          LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
          // Equal priorities: the first network by name, as Compose orders them.
          NetworkMode: `${project.name}_back`,
        });
      }
      // Podman names them RLIMIT_NOFILE, …
      const ulimits = (c.HostConfig.Ulimits as { Name: string }[]).map((u) => ({
        ...u,
        Name: u.Name.replace(/^RLIMIT_/, '').toLowerCase(),
      }));
      expect(ulimits).toEqual([
        { Name: 'nofile', Soft: 1024, Hard: 2048 },
        { Name: 'nproc', Soft: 512, Hard: 512 },
      ]);
      const mounts = Object.fromEntries(c.Mounts.map((m) => [m.Destination, m]));
      expect(mounts['/srv']).toMatchObject({ Type: 'bind', Source: dir, RW: false });
      expect(mounts['/data']).toMatchObject({ Type: 'volume', Name: `${project.name}_data`, RW: true });
      expect(mounts['/anon']).toMatchObject({ Type: 'volume', RW: true });
      expect(mounts['/run/secrets/token']).toMatchObject({
        Type: 'bind',
        Source: join(dir, 'token.txt'),
        RW: false,
      });
      // Docker echoes the Mount API entry in HostConfig.Mounts; Podman folds it into HostConfig.Tmpfs.
      const hostMounts = (c.HostConfig.Mounts ?? []) as { Type: string; Target: string }[];
      const tmpfs =
        hostMounts.some((m) => m.Type === 'tmpfs' && m.Target === '/scratch') ||
        (c.HostConfig.Tmpfs as Record<string, string> | undefined)?.['/scratch'] !== undefined;
      expect(tmpfs).toBe(true);
      const networks = c.NetworkSettings.Networks;
      expect(Object.keys(networks).sort()).toEqual([`${project.name}_back`, `${project.name}_default`]);
      expect(networks[`${project.name}_default`]?.Aliases).toEqual(
        expect.arrayContaining(['web', 'www', spec.name]),
      );
      expect(networks[`${project.name}_back`]?.Aliases).toEqual(expect.arrayContaining(['web', 'backend']));
      const config = await readTar(await t.engine.getArchive(id, '/etc/conf.txt'));
      expect(config.get('conf.txt')?.toString()).toBe('hello config');
    });

    it('starts, reports health and published ports, stops; 304 on repeats is success', async () => {
      const [c] = await t.engine.listContainers({ labels: [`${Labels.project}=${project.name}`], all: true });
      expect(c).toBeDefined();
      const id = c?.id ?? '';
      await t.engine.startContainer(id);
      await t.engine.startContainer(id);
      const healthy = await eventually(async () => {
        const d = await t.engine.inspectContainer(id);
        return d?.health === 'healthy' || (!t.healthchecks && d?.state === 'running') ? d : undefined;
      }, 'a healthy container');
      expect(healthy.state).toBe('running');
      expect(healthy.pid).toBeGreaterThan(0);
      expect(Number(healthy.ports['8080/tcp']?.[0]?.hostPort)).toBeGreaterThan(0);
      if (t.healthchecks) expect(healthy.healthLog?.at(-1)?.exitCode).toBe(0);
      expect(healthy.networks[`${project.name}_default`]?.aliases).toContain('www');
      await t.engine.pauseContainer(id);
      expect((await t.engine.inspectContainer(id))?.state).toBe('paused');
      await t.engine.unpauseContainer(id);
      await t.engine.stopContainer(id, 5);
      await t.engine.stopContainer(id, 5);
      const stopped = await t.engine.inspectContainer(id);
      expect(stopped?.state).toBe('exited');
      expect(stopped?.finishedAt).toBeDefined();
    });

    it('kills, waits, renames, restarts and removes', async () => {
      const id = await simpleContainer(t, project, 'life');
      await t.engine.startContainer(id);
      const exit = t.engine.waitContainer(id, 'not-running');
      await t.engine.killContainer(id, 'SIGKILL');
      expect(await exit).toBe(137);
      const renamed = `${project.name}-renamed`;
      await t.engine.renameContainer(id, renamed);
      expect((await t.engine.inspectContainer(renamed))?.id).toBe(id);
      await t.engine.restartContainer(id, 0);
      expect((await t.engine.inspectContainer(id))?.state).toBe('running');
      const top = await t.engine.top(id);
      expect(top.titles.join(' ')).toContain('PID');
      expect(top.processes.length).toBeGreaterThan(0);
      await t.engine.removeContainer(id, { force: true });
      expect(await t.engine.inspectContainer(id)).toBeUndefined();
    });

    it('maps 404 and 409 to typed errors', async () => {
      const missing = `${project.name}-missing`;
      await expect(t.engine.startContainer(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.engine.removeNetwork(missing)).rejects.toBeInstanceOf(NotFoundError);
      expect(await t.engine.inspectImage(`${missing}:nope`)).toBeUndefined();
      const id = await simpleContainer(t, project, 'dup');
      const error = await simpleContainer(t, project, 'dup').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('ENGINE_CONFLICT');
      expect((error as ConflictError).message).not.toContain('\n');
      await t.engine.removeContainer(id, { force: true });
    });

    it('connects and disconnects networks', async () => {
      const id = await simpleContainer(t, project, 'net');
      const back = `${project.name}_back`;
      await t.engine.connectNetwork(back, id, { name: back, aliases: ['extra'] });
      let d = await t.engine.inspectContainer(id);
      expect(d?.networks[back]?.aliases).toContain('extra');
      await t.engine.disconnectNetwork(back, id);
      d = await t.engine.inspectContainer(id);
      expect(d?.networks[back]).toBeUndefined();
      await t.engine.removeContainer(id, { force: true });
    });

    it('reuses the anonymous volumes of the container it replaces', async () => {
      const spec = (replaces?: string) =>
        buildContainerSpec({
          project,
          service: 'anon',
          number: 1,
          image: TEST_IMAGE,
          devVersion: 'test',
          configFiles: [],
          environmentFiles: [],
          ...(replaces ? { replaces } : {}),
        });
      const old = await t.engine.createContainer(spec());
      const volumeOf = async (id: string) =>
        (await t.raw<Inspect>(`/containers/${id}/json`)).Mounts.find((m) => m.Destination === '/cache')?.Name;
      const before = await volumeOf(old);
      await t.engine.renameContainer(old, `${project.name}-anon-old`);
      const fresh = await t.engine.createContainer(spec(old));
      expect(before).toBeDefined();
      expect(await volumeOf(fresh)).toBe(before);
      await t.engine.removeContainer(fresh, { force: true });
      await t.engine.removeContainer(old, { force: true, volumes: true });
    });
  });
}

/** A stopped busybox container of service `part` (sleep), labelled for clean-up. */
async function simpleContainer(t: SuiteContext, project: Project, part: string): Promise<string> {
  const p: Project = {
    ...project,
    services: {
      [part]: {
        image: TEST_IMAGE,
        command: ['sleep', '3600'],
        init: t.init,
        labels: t.labels(),
        networks: { default: null },
      },
    },
  };
  return t.engine.createContainer(
    buildContainerSpec({
      project: p,
      service: part,
      number: 1,
      image: TEST_IMAGE,
      devVersion: 'test',
      configFiles: [],
      environmentFiles: [],
    }),
  );
}

function richProject(t: SuiteContext, dir: string, udpPort: number): Project {
  const name = t.project('c');
  const web: ServiceConfig = {
    image: TEST_IMAGE,
    // Stops on SIGTERM by itself, init or not.
    command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
    init: t.init,
    environment: { A: '1', EMPTY: '', UNSET: null },
    working_dir: '/srv',
    user: '0:0',
    hostname: 'webhost',
    domainname: 'example.test',
    labels: { ...t.labels(), 'app.role': 'web' },
    ports: [
      { mode: 'ingress', target: 8080, protocol: 'tcp', host_ip: '127.0.0.1' },
      { mode: 'ingress', target: 53, protocol: 'udp', host_ip: '127.0.0.1', published: String(udpPort) },
    ],
    expose: ['9000-9001'],
    volumes: [
      { type: 'bind', source: dir, target: '/srv', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'data', target: '/data', volume: {} },
      { type: 'volume', target: '/anon', volume: {} },
      { type: 'tmpfs', target: '/scratch', tmpfs: { size: 1048576 } },
    ],
    tmpfs: ['/run/t:size=65536'],
    healthcheck: { test: ['CMD', 'true'], interval: '1s', timeout: '2s', retries: 3, start_period: '1s' },
    restart: 'on-failure:3',
    cap_add: ['NET_ADMIN'],
    cap_drop: ['MKNOD'],
    ulimits: { nproc: 512, nofile: { soft: 1024, hard: 2048 } },
    extra_hosts: ['db.local=10.1.2.3'],
    sysctls: { 'net.core.somaxconn': '1024' },
    dns: ['10.0.0.53'],
    dns_search: ['example.test'],
    dns_opt: ['ndots:2'],
    stop_signal: 'SIGTERM',
    stop_grace_period: '3s',
    shm_size: 64 * 1024 * 1024,
    mem_limit: 256 * 1024 * 1024,
    cpus: 0.5,
    pids_limit: 100,
    security_opt: ['no-new-privileges:true'],
    logging: { driver: 'json-file', options: { 'max-size': '1m' } },
    group_add: ['100'],
    oom_score_adj: 100,
    networks: { default: { aliases: ['www'] }, back: { aliases: ['backend'] } },
    secrets: [{ source: 'token', target: '/run/secrets/token' }],
    configs: [{ source: 'conf', target: '/etc/conf.txt' }],
  };
  return {
    name,
    workingDir: dir,
    services: {
      web,
      anon: {
        image: TEST_IMAGE,
        command: ['sleep', '3600'],
        labels: t.labels(),
        volumes: [{ type: 'volume', target: '/cache', volume: {} }],
        networks: { default: null },
      },
    },
    networks: { default: { name: `${name}_default` }, back: { name: `${name}_back` } },
    volumes: { data: { name: `${name}_data` } },
    secrets: { token: { name: `${name}_token`, file: join(dir, 'token.txt') } },
    configs: { conf: { name: `${name}_conf`, content: 'hello config' } },
    extensions: {},
  };
}
