/**
 * The few file-system calls Node lacks (mknod, setxattr, getxattr, mount), done by Debian's
 * small proven tools: coreutils `mknod`, `setfattr`/`getfattr` from the `attr` package, and
 * util-linux `mount`/`umount`. Each use is one batched process per layer or snapshot, never one
 * per file: xattrs go through `setfattr --restore` and come back from one `getfattr --dump`.
 */
import { spawn } from 'node:child_process';
import { ImageError } from './errors.js';

/** Paths of the helper binaries; the defaults are looked up on PATH. */
export interface FsToolPaths {
  mknod?: string;
  setfattr?: string;
  getfattr?: string;
  mount?: string;
  umount?: string;
  cp?: string;
}

/** One extended attribute on one path. */
export interface XattrItem {
  path: string;
  name: string;
  value: Buffer;
}

export interface RunOptions {
  input?: string | Buffer;
  cwd?: string;
}

/** Runs the helper tools; failures are ImageError IMAGE_TOOL_FAILED naming the tool and its stderr. */
export class FsTools {
  readonly paths: Required<FsToolPaths>;

  constructor(paths: FsToolPaths = {}) {
    this.paths = {
      mknod: paths.mknod ?? 'mknod',
      setfattr: paths.setfattr ?? 'setfattr',
      getfattr: paths.getfattr ?? 'getfattr',
      mount: paths.mount ?? 'mount',
      umount: paths.umount ?? 'umount',
      cp: paths.cp ?? 'cp',
    };
  }

  /** Creates an overlayfs whiteout (character device 0:0) at `path`. */
  async makeWhiteout(path: string): Promise<void> {
    await this.run(this.paths.mknod, ['-m', '000', path, 'c', '0', '0']);
  }

  /** Sets every attribute in one `setfattr --restore` call, never following symlinks. */
  async setXattrs(items: readonly XattrItem[]): Promise<void> {
    if (items.length === 0) return;
    const lines: string[] = [];
    let current: string | undefined;
    for (const item of items) {
      if (item.path !== current) {
        lines.push('', `# file: ${quoteName(item.path)}`);
        current = item.path;
      }
      lines.push(`${quoteName(item.name)}=0x${item.value.toString('hex')}`);
    }
    lines.push('');
    await this.run(this.paths.setfattr, ['-h', '--restore=-'], { input: lines.join('\n') });
  }

  /**
   * Attributes matching `pattern` (a getfattr regex) on every path under `root`, from one
   * recursive `getfattr --dump`; keys are absolute paths.
   */
  async readXattrs(root: string, pattern: string): Promise<Map<string, Map<string, Buffer>>> {
    const out = await this.run(
      this.paths.getfattr,
      ['-R', '-P', '-h', '-d', '-e', 'hex', '-m', pattern, '--absolute-names', root],
      {},
      true,
    );
    return parseDump(out);
  }

  /** Runs a tool; returns its stdout. `tolerant` accepts exit 1 when stdout is usable. */
  async run(
    bin: string,
    args: readonly string[],
    options: RunOptions = {},
    tolerant = false,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        reject(
          new ImageError('IMAGE_TOOL_FAILED', `cannot run ${bin}: ${error.message}`, {
            hint: missing ? toolHint(bin) : 'check that the tool is installed and runnable',
            cause: error,
          }),
        );
      });
      child.on('close', (code) => {
        const text = Buffer.concat(stdout).toString('utf8');
        if (code === 0 || (tolerant && code === 1 && text.length > 0)) return resolve(text);
        if (tolerant && code === 1 && stderr.length === 0) return resolve(text);
        const message = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
        reject(
          new ImageError('IMAGE_TOOL_FAILED', `${bin} ${args[0] ?? ''} failed (exit ${code}): ${message}`, {
            hint: toolHint(bin),
          }),
        );
      });
      child.stdin.on('error', () => {});
      child.stdin.end(options.input ?? '');
    });
  }
}

function toolHint(bin: string): string {
  if (bin.includes('fattr'))
    return 'install the attr package (apt-get install attr); the engine runs as root';
  if (bin.includes('mount')) return 'install util-linux; mounting overlayfs needs root';
  return 'install coreutils; the engine runs as root';
}

/** getfattr/setfattr quoting: backslash, control and non-ASCII bytes as `\ooo` octal. */
function quoteName(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value)) {
    if (byte <= 0x20 || byte >= 0x7f || byte === 0x5c || byte === 0x3d) {
      out += `\\${byte.toString(8).padStart(3, '0')}`;
    } else out += String.fromCharCode(byte);
  }
  return out;
}

function unquote(value: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(value, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    if (byte === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.toString('latin1', i + 1, i + 4))) {
      bytes.push(Number.parseInt(raw.toString('latin1', i + 1, i + 4), 8));
      i += 3;
    } else bytes.push(byte);
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseDump(text: string): Map<string, Map<string, Buffer>> {
  const out = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unquote(line.slice(8)), current);
      continue;
    }
    if (!current || line === '') continue;
    const equals = line.indexOf('=');
    if (equals < 0) continue;
    const value = line.slice(equals + 1);
    current.set(unquote(line.slice(0, equals)), decodeValue(value));
  }
  return out;
}

function decodeValue(value: string): Buffer {
  if (value.startsWith('0x')) return Buffer.from(value.slice(2), 'hex');
  if (value.startsWith('0s')) return Buffer.from(value.slice(2), 'base64');
  if (value.startsWith('"') && value.endsWith('"')) return Buffer.from(unquote(value.slice(1, -1)));
  return Buffer.from(value);
}
