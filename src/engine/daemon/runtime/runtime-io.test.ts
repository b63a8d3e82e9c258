/**
 * Input and output of real containers: exec with and without a terminal, attach, logs (streams,
 * timestamps, tail, since, follow, partial lines), resize, top.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputChunk } from './exec-session.js';
import { collectLogs, waitUntil } from './testing/run-helpers.js';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const skip = runtimeSkipReason();

/** Reads chunks until `until` accepts the text so far, leaving the rest of the stream open. */
async function readUntil(
  output: AsyncIterator<OutputChunk>,
  until: (text: string) => boolean,
): Promise<string> {
  let text = '';
  while (!until(text)) {
    const next = await output.next();
    if (next.done) break;
    text += next.value.data.toString();
  }
  return text;
}

describe.skipIf(skip !== undefined)(`container I/O${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let f: RuntimeFixture;
  let box: string;
  beforeAll(async () => {
    f = new RuntimeFixture('io');
    await f.runtime.recover();
    box = f.id('box');
    await f.runtime.create({
      id: box,
      rootfs: f.rootfs,
      process: { args: ['sleep', '600'], env: ['BASE=1'] },
    });
    await f.runtime.start(box);
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('execs without a terminal: separate streams and the exit code', async () => {
    const session = await f.runtime.exec(box, { args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    expect(session.pid).toBeGreaterThan(0);
    expect(await collectLogs(session.output)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    expect(await session.exit).toBe(3);
  });

  it('execs with env, user, working directory, and privileged capabilities', async () => {
    const session = await f.runtime.exec(box, {
      args: ['sh', '-c', 'echo "$BASE $EXTRA $(id -u) $(pwd) $HOME"; grep CapEff /proc/self/status'],
      env: ['EXTRA=2'],
      user: 'app',
      cwd: '/tmp',
    });
    const { stdout } = await collectLogs(session.output);
    expect(stdout).toContain('1 2 1000 /tmp /home/app\n');
    const privileged = await f.runtime.exec(box, {
      args: ['grep', 'CapEff', '/proc/self/status'],
      privileged: true,
    });
    const host = f.runtime.host;
    const full = (
      BigInt(`0x${host.capBounding ?? 'f'.repeat(16)}`) &
      (2n ** BigInt(host.capLastCap + 1) - 1n)
    )
      .toString(16)
      .padStart(16, '0');
    expect((await collectLogs(privileged.output)).stdout.trim()).toBe(`CapEff:\t${full}`);
  });

  it('execs with a terminal of the given size, and resizes it', async () => {
    const session = await f.runtime.exec(box, {
      args: ['sh', '-c', 'stty size; tty; read x; stty size; exit 4'],
      tty: true,
      stdin: true,
      consoleSize: { height: 30, width: 100 },
    });
    const output = session.output[Symbol.asyncIterator]();
    const before = await readUntil(output, (t) => t.includes('/dev/pts/'));
    expect(before).toMatch(/^30 100\r\n\/dev\/pts\/\d+\r\n/);
    session.resize({ height: 40, width: 120 });
    session.stdin?.write('go\n');
    const after = await readUntil(output, (t) => t.includes('40 120'));
    expect(after).toContain('40 120\r\n');
    expect(await session.exit).toBe(4);
  });

  it('execs with stdin: input reaches the process, end closes it', async () => {
    const session = await f.runtime.exec(box, { args: ['sh', '-c', 'cat; echo done'], stdin: true });
    session.stdin?.write('hello\n');
    session.stdin?.end('world\n');
    expect((await collectLogs(session.output)).stdout).toBe('hello\nworld\ndone\n');
    expect(await session.exit).toBe(0);
  });

  it('reports an exec that cannot start', async () => {
    await expect(f.runtime.exec(box, { args: ['/no/such/thing'] })).rejects.toThrow(
      /no such file|not found/i,
    );
  });

  it('attaches stdin to a container started with openStdin, attaching before start', async () => {
    const id = f.id('stdin');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      process: {
        args: ['sh', '-c', 'while read l; do echo "got $l"; done; echo bye'],
        openStdin: true,
        stdinOnce: true,
      },
    });
    const attach = f.runtime.attach(id, { stdin: true });
    await f.runtime.start(id);
    attach.stdin?.write('a\n');
    attach.stdin?.end('b\n');
    expect(await collectLogs(attach.output)).toEqual({ stdout: 'got a\ngot b\nbye\n', stderr: '' });
    expect((await f.runtime.wait(id)).exitCode).toBe(0);
  });

  it('replays the log on attach with logs, and ends at once for a stopped container', async () => {
    const id = f.id('replay');
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['sh', '-c', 'echo a; echo b >&2'] } });
    await f.runtime.start(id);
    await f.runtime.wait(id);
    expect(await collectLogs(f.runtime.attach(id, { logs: true }).output)).toEqual({
      stdout: 'a\n',
      stderr: 'b\n',
    });
    expect(await collectLogs(f.runtime.attach(id, { logs: true, stderr: false }).output)).toEqual({
      stdout: 'a\n',
      stderr: '',
    });
    expect(await collectLogs(f.runtime.attach(id).output)).toEqual({ stdout: '', stderr: '' });
  });

  it('attaches to a terminal container and resizes it', async () => {
    const id = f.id('tty');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      process: { args: ['sh', '-c', 'read x; stty size'], tty: true, openStdin: true },
    });
    await f.runtime.start(id);
    const attach = f.runtime.attach(id, { stdin: true });
    f.runtime.resize(id, { height: 33, width: 77 });
    attach.stdin?.write('\n');
    const text = await readUntil(attach.output[Symbol.asyncIterator](), (t) => t.includes('33 77'));
    expect(text).toContain('33 77\r\n');
    attach.close();
    expect((await f.runtime.wait(id)).exitCode).toBe(0);
  });

  it('gives logs by stream with timestamps, tail and since, merging partial lines', async () => {
    const id = f.id('logs');
    // Pauses give each write its own read by conmon, so its own timestamp.
    const script =
      'echo one; sleep 0.05; echo two >&2; sleep 0.05; printf thr; sleep 0.1; printf "ee\\n"; sleep 0.05; echo four';
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['sh', '-c', script] } });
    await f.runtime.start(id);
    await f.runtime.wait(id);
    const all = [];
    for await (const entry of f.runtime.logs(id)) all.push(entry);
    expect(all.map((e) => [e.stream, e.data.toString()])).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
      ['stdout', 'four\n'],
    ]);
    for (const entry of all) expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect((await collectLogs(f.runtime.logs(id, { stderr: false }))).stdout).toBe('one\nthree\nfour\n');
    expect((await collectLogs(f.runtime.logs(id, { stdout: false }))).stderr).toBe('two\n');
    expect((await collectLogs(f.runtime.logs(id, { tail: 2 }))).stdout).toBe('three\nfour\n');
    expect((await collectLogs(f.runtime.logs(id, { tail: 0 }))).stdout).toBe('');
    const third = all[2];
    const since = (await collectLogs(f.runtime.logs(id, { since: third?.timeNs }))).stdout;
    expect(since).toBe('three\nfour\n');
    const until = await collectLogs(f.runtime.logs(id, { until: all[1]?.timeNs }));
    expect(until).toEqual({ stdout: 'one\n', stderr: 'two\n' });
  });

  it('follows logs until the container exits', async () => {
    const id = f.id('follow');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      process: { args: ['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.2; done'] },
    });
    await f.runtime.start(id);
    const { stdout } = await collectLogs(f.runtime.logs(id, { follow: true }));
    expect(stdout).toBe('1\n2\n3\n');
    expect(f.runtime.state(id).status).toBe('stopped');
  });

  it('lists the processes of the container (top)', async () => {
    const top = await f.runtime.top(box);
    expect(top.titles).toContain('PID');
    expect(top.processes.map((p) => p.at(-1))).toContain('sleep 600');
    const custom = await f.runtime.top(box, ['-o', 'pid,comm']);
    expect(custom.titles).toEqual(['PID', 'COMMAND']);
    expect(custom.processes).toContainEqual([String(f.runtime.state(box).pid), 'sleep']);
  });

  it('keeps the log under its size limit', async () => {
    const id = f.id('small');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      logSizeMax: 4096,
      process: { args: ['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done'] },
    });
    await f.runtime.start(id);
    await f.runtime.wait(id);
    const { stdout } = await collectLogs(f.runtime.logs(id));
    expect(stdout.length).toBeLessThan(4096);
    expect(stdout).toContain('line 299\n');
    expect(stdout).not.toContain('line 0\n');
  });

  it('reports cpu and memory usage', async () => {
    const stats = await waitUntil(
      () => f.runtime.stats(box),
      (s) => s.cpu.totalNs > 0,
    );
    expect(stats.memory.usage).toBeGreaterThan(0);
    expect(stats.cpu.systemUsageNs).toBeGreaterThan(0);
    expect(stats.pids.current).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(skip !== undefined || !existsSync('/usr/bin/python3'))(
  'stdin through the python3 bridge',
  () => {
    let f: RuntimeFixture;
    beforeAll(async () => {
      f = new RuntimeFixture('py', { bridge: { kind: 'python', path: '/usr/bin/python3' } });
      await f.runtime.recover();
    });
    afterAll(async () => {
      await f?.cleanup();
    });

    it('passes input to an exec and to an attached container', async () => {
      const id = f.id('py');
      await f.runtime.create({
        id,
        rootfs: f.rootfs,
        process: {
          args: ['sh', '-c', 'read a; echo "main $a"; exec sleep 600'],
          openStdin: true,
          stdinOnce: true,
        },
      });
      await f.runtime.start(id);
      const attach = f.runtime.attach(id, { stdin: true });
      attach.stdin?.end('one\n');
      const seen = await waitUntil(
        async () => (await collectLogs(f.runtime.logs(id))).stdout,
        (out) => out.includes('main one'),
      );
      expect(seen).toBe('main one\n');
      const session = await f.runtime.exec(id, { args: ['cat'], stdin: true });
      session.stdin?.end('through python\n');
      expect((await collectLogs(session.output)).stdout).toBe('through python\n');
      expect(await session.exit).toBe(0);
    });
  },
);
