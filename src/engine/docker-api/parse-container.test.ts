import { describe, expect, it } from 'vitest';
import { Labels } from '../../model/labels.js';
import {
  containerFromInspect,
  containerFromSummary,
  networkFromSummary,
  volumeFromSummary,
} from './parse-container.js';

const labels = {
  [Labels.project]: 'p',
  [Labels.service]: 'web',
  [Labels.containerNumber]: '2',
  [Labels.oneoff]: 'False',
  [Labels.configHash]: 'abc',
  [Labels.configDigest]: 'image=12345678,environment.A=87654321',
};

describe('containers from engine answers', () => {
  it('reads a list entry: labels, health and exit code from the status text', () => {
    const base = {
      Id: 'id1',
      Names: ['/p-web-2'],
      Image: 'nginx',
      ImageID: 'sha256:i',
      Labels: labels,
      Created: 5,
    };
    const running = {
      ...base,
      State: 'running',
      Status: 'Up 3 minutes (healthy)',
      Command: 'nginx -g daemon off;',
      Ports: [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 443, Type: 'tcp' },
      ],
    };
    expect(containerFromSummary(running)).toEqual({
      id: 'id1',
      name: 'p-web-2',
      service: 'web',
      number: 2,
      oneoff: false,
      configHash: 'abc',
      configDigest: { image: '12345678', 'environment.A': '87654321' },
      state: 'running',
      health: 'healthy',
      imageId: 'sha256:i',
      image: 'nginx',
      labels,
      created: 5,
      status: 'Up 3 minutes (healthy)',
      command: 'nginx -g daemon off;',
      ports: [
        { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' },
        { privatePort: 443, type: 'tcp' },
      ],
    });
    expect(
      containerFromSummary({ ...base, State: 'running', Status: 'Up 1 second (health: starting)' }).health,
    ).toBe('starting');
    expect(
      containerFromSummary({ ...base, State: 'exited', Status: 'Exited (137) 2 hours ago' }),
    ).toMatchObject({
      state: 'exited',
      exitCode: 137,
    });
    expect(containerFromSummary({ Id: 'x', State: 'stopped', Labels: null })).toMatchObject({
      state: 'exited',
      service: '',
      number: 0,
      oneoff: false,
      labels: {},
    });
  });

  it('reads an inspect answer into details', () => {
    const d = containerFromInspect({
      Id: 'id1',
      Name: '/p-web-2',
      Created: '2024-05-01T10:00:00.5Z',
      Image: 'sha256:i',
      RestartCount: 1,
      State: {
        Status: 'running',
        Running: true,
        Pid: 42,
        ExitCode: 0,
        StartedAt: '2024-05-01T10:00:01Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'no', End: 'e' }] },
      },
      Config: { Image: 'nginx', Labels: labels, StopSignal: 'SIGQUIT' },
      NetworkSettings: {
        Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null },
        Networks: { p_default: { IPAddress: '172.18.0.2', Aliases: ['web'] } },
      },
    });
    expect(d).toMatchObject({
      name: 'p-web-2',
      state: 'running',
      health: 'unhealthy',
      created: 1714557600,
      startedAt: '2024-05-01T10:00:01Z',
      healthLog: [{ exitCode: 1, output: 'no', end: 'e' }],
      restartCount: 1,
      ports: { '80/tcp': [{ hostIp: '0.0.0.0', hostPort: '8080' }], '443/tcp': [] },
      networks: { p_default: { ipAddress: '172.18.0.2', aliases: ['web'] } },
      pid: 42,
      stopSignal: 'SIGQUIT',
      oomKilled: false,
    });
    expect(d.exitCode).toBeUndefined();
    expect(d.finishedAt).toBeUndefined();
  });

  it('reads networks and volumes with their compose keys', () => {
    expect(
      networkFromSummary({
        Id: 'n',
        Name: 'p_default',
        Driver: 'bridge',
        Labels: { [Labels.network]: 'default' },
      }),
    ).toEqual({
      id: 'n',
      name: 'p_default',
      key: 'default',
      driver: 'bridge',
      labels: { [Labels.network]: 'default' },
    });
    expect(volumeFromSummary({ Name: 'v', Labels: null })).toEqual({ name: 'v', labels: {}, driver: '' });
  });
});
