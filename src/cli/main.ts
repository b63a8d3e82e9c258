/** Entry point of the `dev` binary: runs the program and sets the exit code. */
import { runCli } from './run-cli.js';

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
