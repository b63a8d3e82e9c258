/** The real docker CLI against the bundled engine: networks and volumes, their filters and events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannotRunEngine, startTestEngine, type TestEngine } from './engine-process.js';

const suite = cannotRunEngine ? describe.skip : describe;

suite('docker CLI against the bundled engine: networks and volumes', () => {
  let engine: TestEngine;
  const started = Math.floor(Date.now() / 1000);
  const ok = (args: string[]) => {
    const r = engine.docker(args);
    if (r.code !== 0)
      throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}\n${engine.log()}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    engine = await startTestEngine('cli-resources');
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('lists the predefined networks', () => {
    expect(ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']).split('\n').sort()).toEqual([
      'bridge bridge',
      'host host',
      'none null',
    ]);
  });

  it('creates, lists, inspects and removes a network', () => {
    const id = ok([
      'network',
      'create',
      '--label',
      'dev.test=resources',
      '--subnet',
      '10.199.7.0/24',
      '--gateway',
      '10.199.7.1',
      '--internal',
      '--opt',
      'com.docker.network.driver.mtu=1400',
      'devtest-net',
    ]);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const [network] = JSON.parse(ok(['network', 'inspect', 'devtest-net'])) as {
      Id: string;
      Name: string;
      Driver: string;
      Internal: boolean;
      Labels: Record<string, string>;
      Options: Record<string, string>;
      IPAM: { Config: { Subnet: string; Gateway: string }[] };
    }[];
    expect(network).toMatchObject({
      Id: id,
      Name: 'devtest-net',
      Driver: 'bridge',
      Internal: true,
      Labels: { 'dev.test': 'resources' },
      Options: { 'com.docker.network.driver.mtu': '1400' },
      IPAM: { Config: [{ Subnet: '10.199.7.0/24', Gateway: '10.199.7.1' }] },
    });
    expect(ok(['network', 'inspect', '-f', '{{.Name}}', id.slice(0, 12)])).toBe('devtest-net');
    expect(ok(['network', 'ls', '--filter', 'label=dev.test=resources', '--format', '{{.Name}}'])).toBe(
      'devtest-net',
    );
    expect(ok(['network', 'ls', '--filter', 'type=custom', '-q', '--no-trunc'])).toBe(id);
    const again = engine.docker(['network', 'create', 'devtest-net']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    expect(ok(['network', 'rm', 'devtest-net'])).toBe('devtest-net');
    const gone = engine.docker(['network', 'inspect', 'devtest-net']);
    expect(gone.code).not.toBe(0);
    const predefined = engine.docker(['network', 'rm', 'bridge']);
    expect(predefined.code).not.toBe(0);
    expect(predefined.stderr).toMatch(/pre-defined/);
  });

  it('prunes unused custom networks', () => {
    ok(['network', 'create', '--label', 'dev.test=prune', 'devtest-prune-a']);
    ok(['network', 'create', 'devtest-prune-b']);
    expect(ok(['network', 'prune', '-f', '--filter', 'label=dev.test=prune'])).toContain('devtest-prune-a');
    expect(ok(['network', 'ls', '--format', '{{.Name}}']).split('\n')).toContain('devtest-prune-b');
    ok(['network', 'prune', '-f']);
    expect(ok(['network', 'ls', '--format', '{{.Name}}']).split('\n').sort()).toEqual([
      'bridge',
      'host',
      'none',
    ]);
  });

  it('creates, lists, inspects and removes volumes', () => {
    expect(ok(['volume', 'create', '--label', 'dev.test=vol', 'devtest-vol'])).toBe('devtest-vol');
    const anonymous = ok(['volume', 'create']);
    expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
    const [volume] = JSON.parse(ok(['volume', 'inspect', 'devtest-vol'])) as {
      Name: string;
      Driver: string;
      Mountpoint: string;
      Labels: Record<string, string>;
      Scope: string;
    }[];
    expect(volume).toMatchObject({
      Name: 'devtest-vol',
      Driver: 'local',
      Labels: { 'dev.test': 'vol' },
      Scope: 'local',
      Mountpoint: `${engine.root}/volumes/devtest-vol/_data`,
    });
    expect(ok(['volume', 'ls', '--format', '{{.Name}}']).split('\n').sort()).toEqual(
      [anonymous, 'devtest-vol'].sort(),
    );
    expect(ok(['volume', 'ls', '--filter', 'label=dev.test=vol', '-q'])).toBe('devtest-vol');
    expect(ok(['volume', 'ls', '--filter', 'dangling=true', '-q']).split('\n').sort()).toEqual(
      [anonymous, 'devtest-vol'].sort(),
    );
    expect(ok(['volume', 'rm', anonymous])).toBe(anonymous);
    const gone = engine.docker(['volume', 'inspect', anonymous]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/no such volume/i);
    expect(engine.docker(['volume', 'rm', '-f', 'devtest-never']).code).toBe(0);
  });

  it('prunes every unused volume for a 1.41 client (named ones too, as dockerd 20.10 does)', () => {
    ok(['volume', 'create', 'devtest-vol-2']);
    const pruned = ok(['volume', 'prune', '-f']);
    expect(pruned).toContain('devtest-vol');
    expect(pruned).toContain('devtest-vol-2');
    expect(ok(['volume', 'ls', '-q'])).toBe('');
  });

  it('reports network and volume events', () => {
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const events = (filter: string[]) =>
      ok([
        'events',
        '--since',
        String(started),
        '--until',
        until,
        ...filter,
        '--format',
        '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}',
      ])
        .split('\n')
        .filter(Boolean);
    expect(events(['--filter', 'type=network'])).toEqual(
      expect.arrayContaining([
        'network create devtest-net',
        'network destroy devtest-net',
        'network destroy devtest-prune-a',
      ]),
    );
    expect(events(['--filter', 'network=devtest-net'])).toEqual([
      'network create devtest-net',
      'network destroy devtest-net',
    ]);
    const volumes = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--filter',
      'type=volume',
      '--format',
      '{{.Action}} {{.Actor.ID}}',
    ]);
    expect(volumes.split('\n')).toEqual(
      expect.arrayContaining(['create devtest-vol', 'destroy devtest-vol']),
    );
  });

  it('system prune runs through (containers, networks, volumes, images, build cache)', () => {
    ok(['network', 'create', 'devtest-sys-prune']);
    expect(ok(['system', 'prune', '-f', '--volumes'])).toContain('Total reclaimed space');
    expect(ok(['network', 'ls', '--format', '{{.Name}}']).split('\n')).not.toContain('devtest-sys-prune');
  });
});
