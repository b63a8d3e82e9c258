import { describe, expect, it } from 'vitest';
import { issuesOf, loadService } from '../../test/helpers/normalize.js';

describe('networks and dependencies', () => {
  it('turns a network list into a mapping of nulls', () => {
    expect(loadService('networks: [front, back]').networks).toEqual({ front: null, back: null });
  });

  it('keeps per-network options', () => {
    expect(
      loadService(
        'networks: {front: {aliases: [a1], ipv4_address: 172.16.0.10, driver_opts: {mtu: 1500}, priority: 100}, back: null}',
      ).networks,
    ).toEqual({
      front: { aliases: ['a1'], ipv4_address: '172.16.0.10', driver_opts: { mtu: '1500' }, priority: 100 },
      back: null,
    });
  });

  it('attaches a service with an empty networks section to the default network', () => {
    expect(loadService('networks: {}').networks).toEqual({ default: null });
    expect(loadService('network_mode: none').networks).toBeUndefined();
  });

  it('expands depends_on', () => {
    expect(loadService('depends_on: [db, cache]').depends_on).toEqual({
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_started', required: true },
    });
    expect(
      loadService(
        'depends_on: {db: {condition: service_healthy, restart: true}, opt: {condition: service_started, required: false, restart: false}}',
      ).depends_on,
    ).toEqual({
      db: { condition: 'service_healthy', restart: true, required: true },
      opt: { condition: 'service_started', required: false },
    });
  });

  it('infers dependencies from links, service namespaces and volumes_from', () => {
    expect(
      loadService(`
links: [db, "cache:redis"]
ipc: service:shm
volumes_from: [data, "container:other", "logs:ro"]
depends_on: {db: {condition: service_healthy}}
`).depends_on,
    ).toEqual({
      db: { condition: 'service_healthy', required: true },
      cache: { condition: 'service_started', restart: true, required: true },
      shm: { condition: 'service_started', restart: true, required: true },
      data: { condition: 'service_started', required: true },
      logs: { condition: 'service_started', required: true },
    });
    expect(loadService('network_mode: "service:vpn"').depends_on).toEqual({
      vpn: { condition: 'service_started', restart: true, required: true },
    });
  });

  it('expands secret and config grants', () => {
    const s = loadService(`
secrets: [server-certificate, {source: other, target: server.cert, uid: 103, gid: "103", mode: 0o440}]
configs: [my_config, {source: c2, target: /c2, mode: "0440"}]
`);
    expect(s.secrets).toEqual([
      { source: 'server-certificate', target: '/run/secrets/server-certificate' },
      { source: 'other', target: 'server.cert', uid: '103', gid: '103', mode: 0o440 },
    ]);
    expect(s.configs).toEqual([{ source: 'my_config' }, { source: 'c2', target: '/c2', mode: 0o440 }]);
  });
});

describe('runtime settings', () => {
  it('normalises healthcheck durations and a string test', () => {
    expect(
      loadService(
        'healthcheck: {test: curl -f http://localhost || exit 1, interval: 90s, timeout: 10s, retries: 3, start_period: 1m, start_interval: 500ms, disable: false}',
      ).healthcheck,
    ).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
      interval: '1m30s',
      timeout: '10s',
      retries: 3,
      start_period: '1m0s',
      start_interval: '500ms',
    });
    expect(loadService('healthcheck: {test: [CMD, curl, -f, http://x]}').healthcheck?.test).toEqual([
      'CMD',
      'curl',
      '-f',
      'http://x',
    ]);
    expect(loadService('stop_grace_period: 1m30s').stop_grace_period).toBe('1m30s');
  });

  it('reads byte sizes as numbers of bytes', () => {
    const s = loadService(`
mem_limit: 512m
mem_reservation: 1gb
memswap_limit: -1
shm_size: 64M
`);
    expect([s.mem_limit, s.mem_reservation, s.memswap_limit, s.shm_size]).toEqual([
      536870912, 1073741824, -1, 67108864,
    ]);
  });

  it('keeps single-number ulimits and soft/hard pairs', () => {
    expect(loadService('ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}').ulimits).toEqual({
      nproc: 65535,
      nofile: { soft: 20000, hard: 40000 },
    });
  });

  it('normalises deploy', () => {
    expect(
      loadService(`
deploy:
  replicas: 2
  labels: [a=b]
  resources:
    limits: {cpus: '0.50', memory: 50M, pids: 10}
    reservations: {memory: 20M, devices: [{capabilities: [gpu]}, {capabilities: [tpu], count: 2}]}
  restart_policy: {condition: on-failure, delay: 5s, window: 120s, max_attempts: 3}
  update_config: {delay: 10s, monitor: 60s, order: start-first}
`).deploy,
    ).toEqual({
      replicas: 2,
      labels: { a: 'b' },
      resources: {
        limits: { cpus: 0.5, memory: 52428800, pids: 10 },
        reservations: {
          memory: 20971520,
          devices: [
            { capabilities: ['gpu'], count: 'all' },
            { capabilities: ['tpu'], count: 2 },
          ],
        },
      },
      restart_policy: { condition: 'on-failure', delay: '5s', window: '2m0s', max_attempts: 3 },
      update_config: { delay: '10s', monitor: '1m0s', order: 'start-first' },
    });
  });

  it('applies scale to deploy.replicas and refuses two different counts', () => {
    expect(loadService('scale: 3\ndeploy: {mode: replicated}').deploy?.replicas).toBe(3);
    expect(loadService('scale: 3').scale).toBe(3);
    expect(issuesOf(() => loadService('scale: 3\ndeploy: {replicas: 2}'))[0]?.message).toContain(
      "'scale' and 'deploy.replicas'",
    );
  });

  it('expands devices and gpus', () => {
    const s = loadService(`
devices: ["/dev/ttyUSB0:/dev/ttyUSB0", "/dev/sda:/dev/xvda:rwm", "vendor.com/device=gpu"]
gpus: all
`);
    expect(s.devices).toEqual([
      { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' },
      { source: '/dev/sda', target: '/dev/xvda', permissions: 'rwm' },
      { source: 'vendor.com/device=gpu', target: 'vendor.com/device=gpu', permissions: 'rwm' },
    ]);
    expect(s.gpus).toEqual([{ count: 'all' }]);
    expect(loadService('gpus: [{driver: nvidia, device_ids: ["0"]}]').gpus).toEqual([
      { driver: 'nvidia', device_ids: ['0'] },
    ]);
  });

  it('converts real-time CPU durations to microseconds and cpus to a number', () => {
    const s = loadService("cpu_rt_runtime: '400ms'\ncpu_rt_period: 11000\ncpus: '1.5'");
    expect([s.cpu_rt_runtime, s.cpu_rt_period, s.cpus]).toEqual([400000, 11000, 1.5]);
  });

  it('renames the old pull policy spelling and keeps others', () => {
    expect(loadService('pull_policy: if_not_present').pull_policy).toBe('missing');
    expect(loadService('pull_policy: every_12h').pull_policy).toBe('every_12h');
    expect(loadService('restart: on-failure:3').restart).toBe('on-failure:3');
  });

  it('drops false flags compose does not print, and attributes the loader consumed', () => {
    const s = loadService(`
image: a
privileged: false
tty: true
init: false
env_file: [.env]
extends: {service: base}
pid: null
`);
    expect(s).toEqual({ image: 'a', tty: true, init: false, networks: { default: null } });
  });

  it('normalises logging options and hooks', () => {
    const s = loadService(`
logging: {driver: syslog, options: {syslog-address: "tcp://1.2.3.4:123", max-file: 3}}
post_start: [{command: ./start.sh --fast, user: root, environment: [A=1, B]}]
`);
    expect(s.logging).toEqual({
      driver: 'syslog',
      options: { 'syslog-address': 'tcp://1.2.3.4:123', 'max-file': '3' },
    });
    expect(s.post_start).toEqual([
      { command: ['./start.sh', '--fast'], user: 'root', environment: { A: '1', B: null } },
    ]);
  });
});

describe('develop', () => {
  it('resolves watch paths and splits rules with several paths', () => {
    expect(
      loadService(`
develop:
  watch:
    - {path: ./web/html, action: sync, target: /var/www, ignore: node_modules/, initial_sync: true}
    - {path: [./a, /abs/b], action: rebuild}
    - {path: ./etc, action: sync+exec, target: /etc/app, exec: {command: app reload}}
`).develop,
    ).toEqual({
      watch: [
        {
          path: '/work/app/web/html',
          action: 'sync',
          target: '/var/www',
          ignore: ['node_modules/'],
          initial_sync: true,
        },
        { path: '/work/app/a', action: 'rebuild' },
        { path: '/abs/b', action: 'rebuild' },
        {
          path: '/work/app/etc',
          action: 'sync+exec',
          target: '/etc/app',
          exec: { command: ['app', 'reload'] },
        },
      ],
    });
  });
});
