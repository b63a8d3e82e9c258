/**
 * Writes a client's input into conmon's attach socket. That socket is SOCK_SEQPACKET, which
 * Node cannot open, so a small bridge process connects to it: Debian's `socat` (type=5), or
 * python3 when socat is missing. Only the input direction matters: the container's output is
 * read from the log conmon writes, so the bridge discards what the socket sends — but it must
 * keep reading, because conmon writes output to attached sockets with blocking writes.
 * When the input ends, the bridge half-closes the socket and conmon closes the container's
 * stdin (unless it was started with --leave-stdin-open).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { findBinary } from './find-binaries.js';

export type BridgeTool = { kind: 'socat'; path: string } | { kind: 'python'; path: string };

/** The first bridge tool installed: socat, else python3. */
export function findBridgeTool(
  find: (name: string) => string | undefined = (n) => findBinary(n),
): BridgeTool | undefined {
  const socat = find('socat');
  if (socat) return { kind: 'socat', path: socat };
  const python = find('python3');
  return python ? { kind: 'python', path: python } : undefined;
}

/** A connected (or connecting) input stream into one attach socket. */
export interface StdinBridge {
  /** Write the client's input here; end() closes the container's stdin. */
  stdin: Writable;
  /** Settles when the bridge process is gone; rejects when it could not connect. */
  done: Promise<void>;
  /** Stops the bridge without closing the container's stdin politely. */
  close(): void;
}

// Messages on the socket are at most conmon's buffer (32 KiB); input is sent in 8 KiB messages.
const PYTHON_BRIDGE = `
import os, select, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
while True:
    ready = select.select([0, s], [], [])[0]
    if s in ready and not s.recv(65536):
        break
    if 0 in ready:
        data = os.read(0, 8192)
        if not data:
            s.shutdown(socket.SHUT_WR)
            break
        s.sendall(data)
`;

/**
 * Starts a bridge into `<dir>/<socket>`. The bridge runs in `dir` and connects by the relative
 * name, so long container paths never hit the 108-byte limit of socket addresses.
 */
export function openStdinBridge(tool: BridgeTool, dir: string, socket = 'attach'): StdinBridge {
  const args =
    tool.kind === 'socat'
      ? ['-b', '8192', '-', `UNIX-CONNECT:${socket},type=5`]
      : ['-S', '-E', '-c', PYTHON_BRIDGE, socket];
  const child: ChildProcess = spawn(tool.path, args, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stdin = child.stdin as Writable;
  // A container that exits while input is still flowing breaks the pipe; that is not an error here.
  stdin.on('error', () => {});
  let closing = false;
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      // socat exits 143 on the SIGTERM of close().
      if (code === 0 || signal !== null || closing) resolve();
      else reject(new Error(`stdin bridge (${tool.kind}) failed: ${stderr.trim() || `exit ${code}`}`));
    });
  });
  done.catch(() => {});
  return {
    stdin,
    done,
    close() {
      closing = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
