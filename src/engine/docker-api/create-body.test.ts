import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../model/service.js';
import type { ContainerSpec } from '../engine.js';
import { createContainerBody } from './create-body.js';

function spec(config: ServiceConfig, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'p-web-1',
    project: 'p',
    service: 'web',
    config,
    image: 'img',
    labels: { l: '1' },
    networks: [
      {
        name: 'p_front',
        aliases: ['p-web-1', 'web'],
        ipv4Address: '10.5.0.9',
        macAddress: '02:42:ac:11:00:02',
      },
      { name: 'p_back', aliases: ['web'] },
    ],
    mounts: [],
    ...extra,
  };
}
const options = { apiVersion: '1.41', readFile: () => '{ "defaultAction": "SCMP_ACT_ALLOW" }' };
type Body = Record<string, unknown> & { HostConfig: Record<string, unknown> };
const body = (s: ContainerSpec, apiVersion = '1.41') =>
  createContainerBody(s, { ...options, apiVersion }) as {
    body: Body;
    laterNetworks: ContainerSpec['networks'];
  };

describe('createContainerBody', () => {
  it('puts the first network at create, the rest after; the MAC address by API version', () => {
    const { body: b, laterNetworks } = body(spec({}));
    expect(b.HostConfig.NetworkMode).toBe('p_front');
    expect(b.NetworkingConfig).toEqual({
      EndpointsConfig: { p_front: { Aliases: ['p-web-1', 'web'], IPAMConfig: { IPv4Address: '10.5.0.9' } } },
    });
    expect(b.MacAddress).toBe('02:42:ac:11:00:02');
    expect(laterNetworks.map((n) => n.name)).toEqual(['p_back']);
    const newer = body(spec({}), '1.44').body as Body & {
      NetworkingConfig: { EndpointsConfig: Record<string, object> };
    };
    expect(newer.MacAddress).toBeUndefined();
    expect(newer.NetworkingConfig.EndpointsConfig.p_front).toMatchObject({ MacAddress: '02:42:ac:11:00:02' });
  });

  it('uses a network mode instead of networks', () => {
    const { body: b, laterNetworks } = body(spec({ network_mode: 'host' }, { networks: [] }));
    expect(b.HostConfig.NetworkMode).toBe('host');
    expect(b.NetworkingConfig).toBeUndefined();
    expect(laterNetworks).toEqual([]);
    expect(
      body(spec({}, { networks: [], networkMode: 'container:p-db-1' })).body.HostConfig.NetworkMode,
    ).toBe('container:p-db-1');
    const disabled = body(spec({ network_mode: 'disabled' }, { networks: [] })).body;
    expect(disabled.NetworkDisabled).toBe(true);
    expect(disabled.HostConfig.NetworkMode).toBe('none');
  });

  it('keeps [] commands (clearing the image ones) and applies run overrides', () => {
    expect(body(spec({ command: [], entrypoint: [] })).body).toMatchObject({ Cmd: [], Entrypoint: [] });
    expect(body(spec({ command: ['a'] })).body.Entrypoint).toBeUndefined();
    const run = body(
      spec(
        {
          command: ['serve'],
          environment: { A: '1', B: null },
          ports: [{ mode: 'ingress', target: 80, protocol: 'tcp' }],
        },
        {
          overrides: {
            entrypoint: ['sh'],
            environment: { C: '3' },
            tty: true,
            stdinOpen: true,
            publishPorts: false,
            autoRemove: true,
          },
        },
      ),
    ).body;
    expect(run).toMatchObject({
      Entrypoint: ['sh'],
      Cmd: [],
      Env: ['A=1', 'C=3'],
      Tty: true,
      OpenStdin: true,
      AttachStdin: true,
      StdinOnce: true,
    });
    expect(run.ExposedPorts).toBeUndefined();
    expect(run.HostConfig.PortBindings).toBeUndefined();
    expect(run.HostConfig.AutoRemove).toBe(true);
  });

  it('maps healthchecks: durations in ns, disable as NONE, start_interval needs API 1.44', () => {
    expect(body(spec({ healthcheck: { disable: true } })).body.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(
      body(spec({ healthcheck: { test: ['CMD-SHELL', 'x'], interval: '1m30s', timeout: '500ms' } })).body
        .Healthcheck,
    ).toEqual({
      Test: ['CMD-SHELL', 'x'],
      Interval: 90e9,
      Timeout: 5e8,
    });
    expect(() => body(spec({ healthcheck: { start_interval: '1s', start_period: '5s' } }))).toThrow(
      /API 1.44/,
    );
    expect(body(spec({ healthcheck: { start_interval: '1s' } }), '1.44').body.Healthcheck).toEqual({
      StartInterval: 1e9,
    });
  });

  it('maps restart policies, deploy taking precedence, and drops them for auto-removed runs', () => {
    const policy = (config: ServiceConfig, extra: Partial<ContainerSpec> = {}) =>
      body(spec(config, extra)).body.HostConfig.RestartPolicy;
    expect(policy({ restart: 'always' })).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(policy({ restart: 'on-failure:5' })).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
    expect(policy({ restart: 'no' })).toEqual({ Name: 'no', MaximumRetryCount: 0 });
    expect(
      policy({ restart: 'always', deploy: { restart_policy: { condition: 'on-failure', max_attempts: 2 } } }),
    ).toEqual({
      Name: 'on-failure',
      MaximumRetryCount: 2,
    });
    expect(policy({ deploy: { restart_policy: { condition: 'any' } } })).toEqual({
      Name: 'always',
      MaximumRetryCount: 0,
    });
    expect(policy({ restart: 'always' }, { overrides: { autoRemove: true } })).toBeUndefined();
    expect(policy({})).toBeUndefined();
  });

  it('fills resources from deploy when the top-level fields are absent', () => {
    const h = body(
      spec({
        deploy: {
          resources: {
            limits: { cpus: 1.5, memory: 1024, pids: 50 },
            reservations: {
              memory: 512,
              devices: [{ capabilities: ['gpu'], count: 'all', driver: 'nvidia' }],
            },
          },
        },
        gpus: [{ count: 1 }],
        devices: [
          { source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' },
          { source: 'vendor.com/gpu=0', target: 'vendor.com/gpu=0' },
        ],
        blkio_config: { weight: 300, device_read_bps: [{ path: '/dev/sda', rate: 1024 }] },
        mem_swappiness: 0,
        ulimits: { nofile: 10 },
      }),
    ).body.HostConfig;
    expect(h).toMatchObject({
      NanoCpus: 15e8,
      Memory: 1024,
      PidsLimit: 50,
      MemoryReservation: 512,
      BlkioWeight: 300,
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1024 }],
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      DeviceRequests: [
        { Driver: 'cdi', DeviceIDs: ['vendor.com/gpu=0'] },
        { Count: 1, Capabilities: [['gpu']] },
        { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
      ],
      Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 10 }],
    });
    expect(h.MemorySwappiness).toBeUndefined();
    expect(
      body(spec({ mem_limit: 2048, deploy: { resources: { limits: { memory: 1024 } } } })).body.HostConfig
        .Memory,
    ).toBe(2048);
  });

  it('sends binds that may create their host path as strings, others as mounts', () => {
    const h = body(
      spec(
        {},
        {
          mounts: [
            { type: 'bind', source: '/src', target: '/a', readOnly: true },
            {
              type: 'bind',
              source: '/src',
              target: '/b',
              bind: { createHostPath: true, propagation: 'rshared', selinux: 'z' },
            },
            {
              type: 'bind',
              source: '/secret',
              target: '/run/secrets/s',
              readOnly: true,
              bind: { createHostPath: false },
            },
            { type: 'volume', source: 'p_data', target: '/data', volume: { noCopy: true } },
            { type: 'volume', target: '/anon' },
            { type: 'tmpfs', target: '/t', tmpfs: { size: 1000, mode: 0o1777 } },
          ],
        },
      ),
    ).body.HostConfig;
    expect(h.Binds).toEqual(['/src:/a:ro', '/src:/b:z,rshared']);
    expect(h.Mounts).toEqual([
      { Type: 'bind', Source: '/secret', Target: '/run/secrets/s', ReadOnly: true },
      { Type: 'volume', Source: 'p_data', Target: '/data', VolumeOptions: { NoCopy: true } },
      { Type: 'volume', Target: '/anon' },
      { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1000, Mode: 0o1777 } },
    ]);
    expect(() =>
      body(spec({}, { mounts: [{ type: 'volume', source: 'v', target: '/x', volume: { subpath: 'a' } }] })),
    ).toThrow(/subpath need Engine API 1.45/);
  });

  it('inlines seccomp profiles and unmasks system paths on request', () => {
    const h = body(
      spec(
        {
          security_opt: [
            'seccomp=profile.json',
            'systempaths=unconfined',
            'label=disable',
            'seccomp=unconfined',
          ],
        },
        { labels: { 'com.docker.compose.project.working_dir': '/proj' } },
      ),
    ).body.HostConfig;
    expect(h.SecurityOpt).toEqual([
      'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}',
      'label=disable',
      'seccomp=unconfined',
    ]);
    expect(h.MaskedPaths).toEqual([]);
    expect(h.ReadonlyPaths).toEqual([]);
  });

  it('exposes ports and expose ranges with protocols', () => {
    const b = body(
      spec({
        ports: [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '8000-8010' }],
        expose: ['3000', '4000-4001/udp'],
      }),
    ).body;
    expect(Object.keys(b.ExposedPorts as object)).toEqual(['80/tcp', '3000/tcp', '4000/udp', '4001/udp']);
    expect(b.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
  });
});
