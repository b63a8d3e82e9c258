/**
 * Runs an attached session (exec, run) on this process's stdio: raw mode on a terminal so keys
 * reach the container, restored however the session ends.
 */
export interface AttachedStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runAttached(
  tty: boolean,
  session: (streams: AttachedStreams) => Promise<number>,
): Promise<number> {
  const stdin = process.stdin;
  const raw = tty && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  try {
    // Without a terminal, stdin is passed only when something is piped in.
    const withStdin = tty || !stdin.isTTY;
    return await session({
      ...(withStdin ? { stdin } : {}),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } finally {
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }
}
