/** Entry point of the `dev` binary: runs the program and sets the exit code. */
import { runCli } from './run-cli.js';

// `dev logs | head`: a reader that went away is not an error of dev's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli renders every error itself; reaching here is a bug in dev.
    process.stderr.write(`dev: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
