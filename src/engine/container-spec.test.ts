import { describe, expect, it } from 'vitest';
import { configHash } from '../model/config-hash.js';
import { COMPOSE_COMPAT_VERSION, Labels } from '../model/labels.js';
import type { Project } from '../model/project.js';
import { type BuildContainerSpecOptions, buildContainerSpec } from './container-spec.js';

function project(): Project {
  return {
    name: 'shop',
    workingDir: '/work/shop',
    services: {
      web: {
        image: 'nginx',
        labels: { team: 'a' },
        depends_on: {
          db: { condition: 'service_healthy', restart: true, required: true },
          cache: { condition: 'service_started', required: true },
        },
        networks: {
          front: { aliases: ['www'], ipv4_address: '10.1.0.5', priority: 1 },
          back: null,
          default: null,
        },
        volumes: [
          {
            type: 'bind',
            source: './html',
            target: '/usr/share/nginx/html',
            read_only: true,
            bind: { create_host_path: true },
          },
          { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
          { type: 'volume', target: '/anon', volume: {} },
          { type: 'tmpfs', target: '/tmp', tmpfs: { size: 1000 } },
        ],
        secrets: [
          { source: 'token', target: '/run/secrets/token' },
          { source: 'api_key', target: 'key', mode: 0o400, uid: '101' },
        ],
        configs: [{ source: 'nginx_conf', target: '/etc/nginx/nginx.conf' }, { source: 'motd' }],
        links: ['db:database'],
        external_links: ['legacy'],
        volumes_from: ['cache:ro', 'container:other'],
      },
      db: { image: 'postgres', container_name: 'shop-db', networks: { back: null } },
      cache: { image: 'redis', network_mode: 'service:db', ipc: 'service:db', pid: 'host' },
    },
    networks: {
      default: { name: 'shop_default' },
      front: { name: 'shop_front' },
      back: { name: 'custom-back' },
    },
    volumes: { data: { name: 'shop_data' } },
    secrets: {
      token: { name: 'shop_token', file: '/work/shop/token.txt' },
      api_key: { name: 'shop_api_key', environment: 'API_KEY' },
    },
    configs: {
      nginx_conf: { name: 'shop_nginx_conf', file: '/work/shop/nginx.conf' },
      motd: { name: 'shop_motd', content: 'welcome' },
    },
    extensions: {},
  };
}

const base = (p: Project, service: string): BuildContainerSpecOptions => ({
  project: p,
  service,
  number: 1,
  image: p.services[service]?.image ?? '',
  devVersion: '0.1.0',
  configFiles: ['/work/shop/compose.yaml', '/work/shop/compose.override.yaml'],
  environmentFiles: ['/work/shop/.env'],
  environment: { API_KEY: 'k-123' },
});

describe('buildContainerSpec', () => {
  it('writes the labels Docker Compose writes, plus dev’s own and the service’s', () => {
    const p = project();
    const spec = buildContainerSpec(base(p, 'web'));
    expect(spec.name).toBe('shop-web-1');
    expect(spec.labels).toEqual({
      team: 'a',
      [Labels.project]: 'shop',
      [Labels.service]: 'web',
      [Labels.containerNumber]: '1',
      [Labels.oneoff]: 'False',
      [Labels.configHash]: configHash(p.services.web ?? {}),
      [Labels.dependsOn]: 'cache:service_started:false,db:service_healthy:true',
      [Labels.workingDir]: '/work/shop',
      [Labels.configFiles]: '/work/shop/compose.yaml,/work/shop/compose.override.yaml',
      [Labels.environmentFile]: '/work/shop/.env',
      [Labels.version]: COMPOSE_COMPAT_VERSION,
      [Labels.configDigest]: expect.stringMatching(/^(?:[^=,]+=[0-9a-f]{8},?)+$/),
      [Labels.devVersion]: '0.1.0',
    });
  });

  it('orders networks by priority then name, with engine names and Compose aliases', () => {
    const spec = buildContainerSpec(base(project(), 'web'));
    expect(spec.networks).toEqual([
      { name: 'shop_front', aliases: ['shop-web-1', 'web', 'www'], ipv4Address: '10.1.0.5', priority: 1 },
      { name: 'custom-back', aliases: ['shop-web-1', 'web'] },
      { name: 'shop_default', aliases: ['shop-web-1', 'web'] },
    ]);
    expect(spec.networkMode).toBeUndefined();
  });

  it('resolves mounts, secrets and configs: binds, volume names, files to inject', () => {
    const spec = buildContainerSpec(base(project(), 'web'));
    expect(spec.mounts).toEqual([
      {
        type: 'bind',
        source: '/work/shop/html',
        target: '/usr/share/nginx/html',
        readOnly: true,
        bind: { createHostPath: true },
      },
      { type: 'volume', source: 'shop_data', target: '/data', volume: { noCopy: true } },
      { type: 'volume', target: '/anon', volume: {} },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: 1000 } },
      {
        type: 'bind',
        source: '/work/shop/token.txt',
        target: '/run/secrets/token',
        readOnly: true,
        bind: { createHostPath: false },
      },
      {
        type: 'bind',
        source: '/work/shop/nginx.conf',
        target: '/etc/nginx/nginx.conf',
        readOnly: true,
        bind: { createHostPath: false },
      },
    ]);
    expect(spec.files).toEqual([
      { target: '/run/secrets/key', content: 'k-123', mode: 0o400, uid: 101 },
      { target: '/motd', content: 'welcome', mode: 0o444 },
    ]);
  });

  it('resolves links, volumes_from and service: modes to container names', () => {
    const web = buildContainerSpec(base(project(), 'web'));
    expect(web.links).toEqual(['shop-db:database', 'legacy:legacy']);
    expect(web.volumesFrom).toEqual(['shop-cache-1:ro', 'other']);
    const cache = buildContainerSpec(base(project(), 'cache'));
    expect(cache.networkMode).toBe('container:shop-db');
    expect(cache.ipcMode).toBe('container:shop-db');
    expect(cache.pidMode).toBe('host');
    expect(cache.networks).toEqual([]);
    const named = buildContainerSpec({
      ...base(project(), 'cache'),
      containerNames: { db: ['abc123-real'] },
    });
    expect(named.networkMode).toBe('container:abc123-real');
  });

  it('names one-off containers, labels them, and aliases them by their name only', () => {
    const spec = buildContainerSpec({
      ...base(project(), 'db'),
      oneoff: true,
      slug: '0123456789ab',
      overrides: { command: ['psql'], autoRemove: true },
      replaces: 'old-id',
    });
    expect(spec.name).toBe('shop-db-run-0123456789ab');
    expect(spec.labels[Labels.oneoff]).toBe('True');
    expect(spec.labels['com.docker.compose.slug']).toBe('0123456789ab');
    expect(spec.networks).toEqual([{ name: 'custom-back', aliases: ['shop-db-run-0123456789ab'] }]);
    expect(spec.overrides).toEqual({ command: ['psql'], autoRemove: true });
    expect(spec.inheritVolumesFrom).toBe('old-id');
    expect(buildContainerSpec(base(project(), 'db')).name).toBe('shop-db');
  });

  it('fails clearly on what it cannot resolve', () => {
    const p = project();
    expect(() => buildContainerSpec(base(p, 'nope'))).toThrow(/no service "nope"/);
    expect(() => buildContainerSpec({ ...base(p, 'web'), environment: {} })).toThrow(
      /secret "api_key" reads variable API_KEY/,
    );
    p.secrets.token = { name: 't', external: true };
    expect(() => buildContainerSpec(base(p, 'web'))).toThrow(/external/);
  });
});
