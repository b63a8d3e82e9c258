import { describe, expect, it } from 'vitest';
import { mergeConfig } from './merge-config.js';

const id = 'a'.repeat(64);
const image = {
  Env: ['PATH=/bin', 'LANG=C'],
  Cmd: ['sh'],
  Entrypoint: null,
  Labels: { from: 'image', keep: 'yes' },
  ExposedPorts: { '80/tcp': {} },
  Volumes: { '/data': {} },
  WorkingDir: '/srv',
  User: 'app',
  StopSignal: 'SIGQUIT',
  Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 4 },
};

describe('mergeConfig (dockerd merge rules)', () => {
  it('takes from the image what the request leaves out', () => {
    const { config, path, args } = mergeConfig({
      request: { Image: 'x' },
      image,
      imageName: 'x',
      id,
      hostHostname: 'h',
    });
    expect(path).toBe('sh');
    expect(args).toEqual([]);
    expect(config).toMatchObject({
      Hostname: id.slice(0, 12),
      Env: ['PATH=/bin', 'LANG=C'],
      Cmd: ['sh'],
      Image: 'x',
      WorkingDir: '/srv',
      User: 'app',
      StopSignal: 'SIGQUIT',
      ExposedPorts: { '80/tcp': {} },
      Volumes: { '/data': {} },
      Labels: { from: 'image', keep: 'yes' },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 4 },
    });
  });

  it('lets the request win, variable by variable and label by label', () => {
    const { config } = mergeConfig({
      request: {
        Image: 'x',
        Env: ['LANG=de', 'NEW=1'],
        Labels: { from: 'request' },
        ExposedPorts: { '53/udp': {} },
        Healthcheck: { Interval: 1e9 },
        User: '0:0',
      },
      image,
      imageName: 'x',
      id,
      hostHostname: 'h',
    });
    expect(config.Env).toEqual(['LANG=de', 'NEW=1', 'PATH=/bin']);
    expect(config.Labels).toEqual({ from: 'request', keep: 'yes' });
    expect(Object.keys(config.ExposedPorts ?? {}).sort()).toEqual(['53/udp', '80/tcp']);
    expect(config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 1e9, Retries: 4 });
    expect(config.User).toBe('0:0');
  });

  it('treats a command and entrypoint as dockerd does', () => {
    const withEntry = { ...image, Entrypoint: ['/entry.sh'], Cmd: ['serve'] };
    const merge = (request: Record<string, unknown>) =>
      mergeConfig({
        request: { Image: 'x', ...request },
        image: withEntry,
        imageName: 'x',
        id,
        hostHostname: 'h',
      });
    expect(merge({})).toMatchObject({ path: '/entry.sh', args: ['serve'] });
    expect(merge({ Cmd: ['other'] })).toMatchObject({ path: '/entry.sh', args: ['other'] });
    // a new entrypoint drops the image's command
    expect(merge({ Entrypoint: ['/bin/echo'] })).toMatchObject({ path: '/bin/echo', args: [] });
    // an empty one means none, keeping the image's command
    expect(merge({ Entrypoint: [] })).toMatchObject({ path: 'serve', args: [] });
    expect(() => merge({ Entrypoint: [''], Cmd: [] })).toThrow(/No command specified/);
  });

  it('names a host-network container after the host', () => {
    const { config } = mergeConfig({
      request: { Image: 'x', HostConfig: { NetworkMode: 'host' } },
      image,
      imageName: 'x',
      id,
      hostHostname: 'myhost',
    });
    expect(config.Hostname).toBe('myhost');
  });
});
