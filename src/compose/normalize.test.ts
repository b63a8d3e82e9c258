import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { corpusPath, describeCorpus } from '../../test/helpers/corpus.js';
import { issuesOf, loadService, loadYaml } from '../../test/helpers/normalize.js';
import { formatConfigYaml } from './format-config.js';
import { normalizeProject } from './normalize.js';

describe('project', () => {
  it('sorts services by name, names resources and adds the default network when used', () => {
    const project = loadYaml(`
services:
  web: {image: nginx}
  api: {image: node, networks: [back]}
networks:
  back:
volumes:
  data:
`);
    expect(Object.keys(project.services)).toEqual(['api', 'web']);
    expect(project.name).toBe('demo');
    expect(project.workingDir).toBe('/work/app');
    expect(project.networks).toEqual({ back: { name: 'demo_back' }, default: { name: 'demo_default' } });
    expect(project.volumes).toEqual({ data: { name: 'demo_data' } });
    expect(project.services.web?.networks).toEqual({ default: null });
    expect(project.services.api?.networks).toEqual({ back: null });
  });

  it('adds no default network when no service uses it', () => {
    const project = loadYaml(`
services:
  host: {image: a, network_mode: host}
  other: {image: b, networks: {front: {}}}
networks: {front: {}}
`);
    expect(project.services.host?.networks).toBeUndefined();
    expect(Object.keys(project.networks)).toEqual(['front']);
  });

  it('keeps a declared default network and its name', () => {
    const project = loadYaml(`
services: {web: {image: nginx}}
networks:
  default:
    name: shared-net
    driver_opts: {com.docker.network.bridge.host_binding_ipv4: 127.0.0.1, mtu: 1400}
`);
    expect(project.networks.default).toEqual({
      name: 'shared-net',
      driver_opts: { 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1', mtu: '1400' },
    });
  });

  it('names external resources by their key, and reads the legacy external.name', () => {
    const project = loadYaml(`
services: {}
networks:
  outside: {external: true}
  legacy: {external: {name: real-net}}
volumes:
  ext: {external: true, name: given}
  plain: {external: false, labels: [a=1, b]}
secrets:
  token: {environment: OAUTH_TOKEN}
  cert: {external: true}
configs:
  app: {content: "debug=1"}
`);
    expect(project.networks).toEqual({
      legacy: { name: 'real-net', external: true },
      outside: { name: 'outside', external: true },
    });
    expect(project.volumes).toEqual({
      ext: { name: 'given', external: true },
      plain: { name: 'demo_plain', labels: { a: '1', b: '' } },
    });
    expect(project.secrets).toEqual({
      cert: { name: 'cert', external: true },
      token: { name: 'demo_token', environment: 'OAUTH_TOKEN' },
    });
    expect(project.configs).toEqual({ app: { name: 'demo_app', content: 'debug=1' } });
  });

  it('resolves secret and config files, and the device of a local bind volume', () => {
    const project = loadYaml(`
services: {}
secrets:
  rel: {file: ./secret.txt}
  home: {file: ~/s.txt}
  abs: {file: /etc/s.txt}
configs:
  c: {file: conf/app.ini}
volumes:
  bound: {driver: local, driver_opts: {type: none, o: bind, device: ./data}}
`);
    expect(project.secrets.rel?.file).toBe('/work/app/secret.txt');
    expect(project.secrets.home?.file).toBe('/home/me/s.txt');
    expect(project.secrets.abs?.file).toBe('/etc/s.txt');
    expect(project.configs.c?.file).toBe('/work/app/conf/app.ini');
    expect(project.volumes.bound?.driver_opts).toEqual({ type: 'none', o: 'bind', device: '/work/app/data' });
  });

  it('keeps x-* keys at every level and drops other unknown top-level keys', () => {
    const project = loadYaml(`
version: "3.9"
x-top: {b: 2, a: 1}
services:
  s:
    image: a
    x-svc: 1
    ports: [{target: 80, x-port: yes}]
    build: {context: ., x-build: true}
networks:
  n: {x-net: 1}
`);
    expect(project.extensions).toEqual({ 'x-top': { b: 2, a: 1 } });
    expect(project.services.s?.['x-svc']).toBe(1);
    expect(project.services.s?.ports?.[0]?.['x-port']).toBe('yes');
    expect(project.services.s?.build?.['x-build']).toBe(true);
    expect(project.networks.n?.['x-net']).toBe(1);
    expect(project).not.toHaveProperty('version');
  });

  it('keeps top-level models', () => {
    const project = loadYaml(`
services: {app: {image: app, models: [ai_model]}}
models:
  ai_model: {model: ai/model, context_size: 1024}
`);
    expect(project.models).toEqual({ ai_model: { model: 'ai/model', context_size: 1024 } });
    expect(project.services.app?.models).toEqual({ ai_model: null });
  });

  it('does not modify the input document', () => {
    const doc = parse('services: {s: {image: a, environment: [A=1], volumes: ["./x:/x"]}}');
    const before = structuredClone(doc);
    normalizeProject(doc, { projectName: 'p', workingDir: '/w' });
    expect(doc).toEqual(before);
  });

  it('reports every problem at once, each with a JSON pointer', () => {
    const issues = issuesOf(() =>
      loadYaml(`
services:
  a: {image: x, ports: ["80:80:80:80x"], mem_limit: lots}
  b: {image: x, healthcheck: {interval: 10}, command: "echo 'oops"}
`),
    );
    expect(issues.map((i) => i.pointer).sort()).toEqual([
      '/services/a/mem_limit',
      '/services/a/ports/0',
      '/services/b/command',
      '/services/b/healthcheck/interval',
    ]);
    expect(issues.find((i) => i.pointer.endsWith('interval'))?.message).toBe(
      'services.b.healthcheck.interval: missing unit in duration "10"',
    );
  });
});

describe('build', () => {
  it('expands a string to an absolute context and the default Dockerfile', () => {
    expect(loadService('build: ./web').build).toEqual({ context: '/work/app/web', dockerfile: 'Dockerfile' });
    expect(loadService('build: .').build).toEqual({ context: '/work/app', dockerfile: 'Dockerfile' });
    expect(loadService('build: ~/src').build?.context).toBe('/home/me/src');
  });

  it('keeps remote contexts as written', () => {
    for (const url of [
      'https://github.com/mycompany/example.git#main:sub',
      'git@github.com:me/repo.git',
      'github.com/me/repo',
      'git://host/repo',
    ]) {
      expect(loadService(`build: "${url}"`).build?.context).toBe(url);
    }
  });

  it('normalises the long form', () => {
    const build = loadService(`
build:
  dockerfile_inline: FROM alpine
  args: [GIT_COMMIT, FROM_LIST=1, UNSET_ONE]
  labels: [com.example=1, empty]
  ssh: {default: null, key: ~/.ssh/id}
  additional_contexts: [resources=./res, app=docker-image://app:1, base=service:base, abs=/opt/x]
  extra_hosts: ["somehost:162.242.195.82"]
  shm_size: 2gb
  secrets: [npm_token, {source: other, target: id}]
  cache_from: [alpine]
  no_cache: false
  pull: true
  provenance: true
`).build;
    expect(build).toEqual({
      context: '/work/app',
      dockerfile_inline: 'FROM alpine',
      args: { GIT_COMMIT: 'cdc3b19', FROM_LIST: '1' },
      labels: { 'com.example': '1', empty: '' },
      ssh: ['default', 'key=~/.ssh/id'],
      additional_contexts: {
        resources: '/work/app/res',
        app: 'docker-image://app:1',
        base: 'service:base',
        abs: '/opt/x',
      },
      extra_hosts: ['somehost=162.242.195.82'],
      shm_size: 2 * 1024 ** 3,
      secrets: [
        { source: 'npm_token', target: '/run/secrets/npm_token' },
        { source: 'other', target: 'id' },
      ],
      cache_from: ['alpine'],
      pull: true,
      provenance: 'true',
    });
  });

  it('resolves args written as a mapping without value, and drops unresolved ones', () => {
    expect(
      loadService('build: {context: ., args: {GIT_COMMIT: null, MISSING: null, N: 1}}').build?.args,
    ).toEqual({
      GIT_COMMIT: 'cdc3b19',
      N: '1',
    });
  });
});

describe('command and entrypoint', () => {
  it('splits strings like a shell and keeps lists', () => {
    const s = loadService(`
command: bundle exec thin -p "30 00"
entrypoint: [/entry.sh, 1]
`);
    expect(s.command).toEqual(['bundle', 'exec', 'thin', '-p', '30 00']);
    expect(s.entrypoint).toEqual(['/entry.sh', '1']);
  });

  it('maps an empty string to an empty list and drops null', () => {
    const s = loadService(`
command: ''
entrypoint: null
`);
    expect(s.command).toEqual([]);
    expect(s).not.toHaveProperty('entrypoint');
  });
});

describeCorpus('awesome-compose samples', () => {
  const dir = corpusPath('awesome-compose');
  const samples = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());

  it.each(samples.map((e) => e.name))('%s normalises and prints', (name) => {
    const file = readdirSync(`${dir}/${name}`).find((f) => /^compose\.ya?ml$/.test(f)) as string;
    const project = normalizeProject(parse(readFileSync(`${dir}/${name}/${file}`, 'utf8')), {
      projectName: name,
      workingDir: `/src/${name}`,
      homeDir: '/home/me',
      lookup: () => undefined,
    });
    const yaml = formatConfigYaml(project);
    expect(parse(yaml).name).toBe(name);
    for (const service of Object.values(project.services)) {
      expect(service.networks ?? service.network_mode).toBeDefined();
      for (const port of service.ports ?? []) expect(typeof port.target).toBe('number');
    }
  });
});
