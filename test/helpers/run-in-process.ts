/** Runs the CLI in this process with captured output: fast, for tests of messages and exit codes. */
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run-cli.js';

/** Runs dev in-process in `cwd`; returns the exit code and what it wrote. */
export async function runDev(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: () => '',
    cwd,
    env: { HOME: '/home/test', ...env },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
