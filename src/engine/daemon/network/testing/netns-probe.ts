/**
 * Test support: network namespaces play containers. A small Node script run inside a netns
 * (with `ip netns exec`, which also mounts /etc/netns/<name>/resolv.conf over the real one)
 * connects, serves, and resolves names the way a container's process would.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const PROBE = String.raw`
import net from 'node:net'; import dgram from 'node:dgram'; import dns from 'node:dns/promises';
const cmd = JSON.parse(process.argv[2]);
const out = (v) => { process.stdout.write(JSON.stringify(v) + '\n'); };
if (cmd.op === 'tcp') {
  const s = net.connect({ host: cmd.host, port: cmd.port, timeout: cmd.timeout ?? 1500 });
  let data = '';
  s.on('data', (d) => { data += d; });
  s.on('end', () => { out({ ok: true, data }); process.exit(0); });
  s.on('timeout', () => { out({ ok: false, error: 'timeout' }); process.exit(0); });
  s.on('error', (e) => { out({ ok: false, error: e.code }); process.exit(0); });
} else if (cmd.op === 'udp') {
  const s = dgram.createSocket('udp4');
  const t = setTimeout(() => { out({ ok: false, error: 'timeout' }); process.exit(0); }, cmd.timeout ?? 1500);
  s.on('message', (m) => { clearTimeout(t); out({ ok: true, data: String(m) }); process.exit(0); });
  s.send('ping', cmd.port, cmd.host);
} else if (cmd.op === 'serve') {
  // replies with a fixed text and the peer's address, over tcp and udp on one port
  net.createServer((c) => { c.end(cmd.reply + ' ' + c.remoteAddress); }).listen(cmd.port, cmd.host ?? '0.0.0.0');
  const u = dgram.createSocket('udp4');
  u.on('message', (m, r) => { u.send(cmd.reply + ' ' + r.address, r.port, r.address); });
  u.bind(cmd.port, cmd.host ?? '0.0.0.0', () => out({ ok: true }));
} else if (cmd.op === 'lookup') {
  dns.lookup(cmd.name, { family: 4, all: true })
    .then((r) => out({ ok: true, addresses: r.map((a) => a.address) }))
    .catch((e) => out({ ok: false, error: e.code }));
}
`;

export interface ProbeResult {
  ok: boolean;
  data?: string;
  error?: string;
  addresses?: string[];
}

/** Why the host cannot run the network tests, or undefined when it can. */
export function networkTestsUnavailable(binaries: string[]): string | undefined {
  if (process.getuid?.() !== 0)
    return 'network tests need root (they create namespaces, bridges and iptables rules)';
  for (const binary of binaries) {
    if (binary.startsWith('/')) {
      try {
        accessSync(binary, constants.X_OK);
      } catch {
        return `${binary} is missing`;
      }
    } else {
      try {
        execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
      } catch {
        return `${binary} is not on PATH`;
      }
    }
  }
  return undefined;
}

/** Runs probes in namespaces; keeps the script in a temp dir and the servers it starts by pid. */
export class NetnsProbe {
  private readonly script: string;
  private readonly servers: number[] = [];
  private readonly resolvDirs: string[] = [];
  /** /etc/netns is made on demand; removed again when this made it and it is empty. */
  private readonly hadEtcNetns = existsSync('/etc/netns');

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.script = join(dir, 'probe.mjs');
    writeFileSync(this.script, PROBE);
  }

  /** Runs one probe in the netns at `netnsPath` (undefined: the host). */
  run(netnsPath: string | undefined, command: Record<string, unknown>): ProbeResult {
    const args = [process.execPath, this.script, JSON.stringify(command)];
    const [binary, ...rest] = netnsPath ? ['ip', 'netns', 'exec', basename(netnsPath), ...args] : args;
    const text = execFileSync(binary ?? 'ip', rest, { encoding: 'utf8', timeout: 10_000 });
    return JSON.parse(text.trim().split('\n').pop() ?? '{}') as ProbeResult;
  }

  /** `run` without blocking this process (needed when this process serves the probe, e.g. a fake resolver). */
  async runAsync(netnsPath: string | undefined, command: Record<string, unknown>): Promise<ProbeResult> {
    const args = [process.execPath, this.script, JSON.stringify(command)];
    const [binary, ...rest] = netnsPath ? ['ip', 'netns', 'exec', basename(netnsPath), ...args] : args;
    const { stdout } = await execFileAsync(binary ?? 'ip', rest, { encoding: 'utf8', timeout: 10_000 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProbeResult;
  }

  /** Starts a tcp+udp server on `port` in the netns; resolves once it listens. */
  async serve(netnsPath: string | undefined, port: number, reply: string, host?: string): Promise<number> {
    const args = [process.execPath, this.script, JSON.stringify({ op: 'serve', port, reply, host })];
    const [binary, ...rest] = netnsPath ? ['ip', 'netns', 'exec', basename(netnsPath), ...args] : args;
    const child = spawn(binary ?? 'ip', rest, { stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.pid === undefined) throw new Error('server did not start');
    this.servers.push(child.pid);
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    return child.pid;
  }

  /** Gives `ip netns exec` the container's resolv.conf. */
  useResolvConf(netnsPath: string, text: string): void {
    const dir = join('/etc/netns', basename(netnsPath));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'resolv.conf'), text);
    this.resolvDirs.push(dir);
  }

  /** Stops the servers it started (by pid) and removes the resolv.conf copies. */
  cleanup(): void {
    for (const pid of this.servers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of this.resolvDirs.splice(0)) {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
    if (!this.hadEtcNetns && existsSync('/etc/netns') && readdirSync('/etc/netns').length === 0) {
      rmdirSync('/etc/netns');
    }
  }
}

/** The host's links, netns files and iptables chains whose names start with one of `prefixes`. */
export function hostLeftovers(prefixes: { links: string[]; netns: string; chains: string }): string[] {
  const found: string[] = [];
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  for (const line of links.split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name && prefixes.links.some((p) => name.startsWith(p))) found.push(`link ${name}`);
  }
  if (existsSync('/run/netns')) {
    const files = execFileSync('ls', ['/run/netns'], { encoding: 'utf8' }).split('\n');
    for (const file of files) if (file.startsWith(prefixes.netns)) found.push(`netns ${file}`);
  }
  const rules = execFileSync('iptables-save', [], { encoding: 'utf8' });
  for (const line of rules.split('\n')) if (line.includes(prefixes.chains)) found.push(`iptables ${line}`);
  return found;
}
