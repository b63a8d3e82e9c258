/**
 * Differential: `dev up` and Debian's docker-compose v1 `up` on the same file must give the same
 * containers as `docker inspect` shows them (labels, networks and aliases, mounts, environment,
 * ports, restart policy, healthcheck, limits), with names differing only by the separator
 * (v1 writes `proj_web_1`, dev follows Compose v2's `proj-web-1`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpus.js';
import { cleanupProject, hasDocker, inspect, uniqueProject } from '../helpers/docker.js';
import { runBuilt } from '../helpers/run-built.js';

const hasV1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasV1)
  console.warn(
    'docker-compose (v1) is missing: skipping the differential test (apt-get install docker-compose)',
  );
const suite = hasDocker && hasV1 ? describe : describe.skip;

interface Inspect {
  Name: string;
  Config: Record<string, unknown> & { Labels: Record<string, string>; Env: string[] };
  HostConfig: Record<string, unknown>;
  Mounts: { Type: string; Source: string; Destination: string; RW: boolean; Name?: string }[];
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
}

suite('dev up and docker-compose v1 up agree', () => {
  const ours = uniqueProject('diffdev');
  const theirs = uniqueProject('diffv1');
  let dir: string;

  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'dev-e2e-diff-')), 'differential');
    cpSync(join(projectRoot, 'test/fixtures/projects/differential'), dir, { recursive: true });
    const dev = runBuilt(['-p', ours, 'up', '-d'], { cwd: dir, timeout: 120_000 });
    expect(dev.code, dev.stderr).toBe(0);
    const v1 = spawnSync('docker-compose', ['-p', theirs, 'up', '-d'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(v1.status, v1.stderr).toBe(0);
  }, 240_000);
  afterAll(() => {
    cleanupProject(ours);
    cleanupProject(theirs);
  });

  for (const service of ['web', 'api']) {
    it(`gives ${service} the same configuration`, () => {
      const a = view(inspect<Inspect>(`${ours}-${service}-1`), ours);
      const b = view(inspect<Inspect>(`${theirs}_${service}_1`), theirs);
      expect(a).toEqual(b);
    });
  }

  it('names the same networks and volumes, with the same labels', () => {
    for (const [kind, key] of [
      ['network', 'back'],
      ['network', 'default'],
      ['volume', 'cache'],
    ] as const) {
      const labels = (p: string) => {
        const l = inspect<{ Labels: Record<string, string> }>(`${p}_${key}`, kind).Labels;
        return {
          project: l['com.docker.compose.project'] === p,
          key: l[`com.docker.compose.${kind}`],
          custom: customLabels(l),
        };
      };
      expect(labels(ours)).toEqual(labels(theirs));
    }
  });
});

/** What must agree, with project names and generated ids taken out. */
function view(c: Inspect, project: string) {
  const strip = (s: string) => s.replaceAll(project, 'P');
  const h = c.HostConfig;
  return {
    name: strip(c.Name).replace(/^\/P[-_](\w+)[-_](\d+)$/, '$1 $2'),
    labels: {
      project: c.Config.Labels['com.docker.compose.project'] === project,
      service: c.Config.Labels['com.docker.compose.service'],
      number: c.Config.Labels['com.docker.compose.container-number'],
      oneoff: c.Config.Labels['com.docker.compose.oneoff'],
      custom: customLabels(c.Config.Labels),
    },
    env: [...c.Config.Env].sort(),
    cmd: c.Config.Cmd,
    entrypoint: c.Config.Entrypoint,
    workingDir: c.Config.WorkingDir,
    user: c.Config.User,
    hostname: /^[0-9a-f]{12}$/.test(String(c.Config.Hostname)) ? 'generated' : c.Config.Hostname,
    exposed: Object.keys((c.Config.ExposedPorts as Record<string, unknown>) ?? {}).sort(),
    healthcheck: c.Config.Healthcheck,
    stopSignal: c.Config.StopSignal,
    stopTimeout: c.Config.StopTimeout,
    restart: h.RestartPolicy,
    ports: Object.fromEntries(
      Object.entries((h.PortBindings as Record<string, { HostIp: string; HostPort: string }[]>) ?? {}).map(
        ([k, v]) => [k, v.map((b) => `${b.HostIp}:${b.HostPort}`)],
      ),
    ),
    capAdd: h.CapAdd,
    capDrop: h.CapDrop,
    ulimits: h.Ulimits,
    sysctls: h.Sysctls,
    extraHosts: h.ExtraHosts,
    dns: h.Dns,
    dnsSearch: h.DnsSearch,
    shm: h.ShmSize,
    memory: h.Memory,
    readonly: h.ReadonlyRootfs,
    init: h.Init,
    tmpfs: h.Tmpfs,
    mounts: c.Mounts.map((m) => ({
      type: m.Type,
      // Anonymous volumes have random names; named ones carry the project name.
      source:
        m.Type === 'volume'
          ? m.Name && /^[0-9a-f]{64}$/.test(m.Name)
            ? 'anonymous'
            : strip(m.Name ?? '')
          : m.Source,
      target: m.Destination,
      rw: m.RW,
    })).sort((x, y) => (x.target < y.target ? -1 : 1)),
    networks: Object.fromEntries(
      Object.entries(c.NetworkSettings.Networks).map(([net, n]) => [
        strip(net),
        // Docker adds the short container id; v1 adds it too. Both sides only differ by it.
        (n.Aliases ?? []).filter((a) => !/^[0-9a-f]{12}$/.test(a) && !a.includes(project)).sort(),
      ]),
    ),
  };
}

function customLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('com.example.')));
}
