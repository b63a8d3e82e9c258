/** Runs `dev` with arguments and returns the exit code; errors are rendered here, never thrown. */
import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { type CliIO, createStyle, processIO } from './io.js';
import { buildProgram, type CommandResult } from './program.js';
import { renderError } from './render-error.js';
import { separateCommand } from './separate-command.js';

export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code: number = ExitCode.ok;
  const ansi = ansiFromArgv(argv);
  const style = createStyle(io, ansi);
  const run = async (action: () => Promise<CommandResult>) => {
    try {
      code = await action();
    } catch (error) {
      code = renderError(error, io, style);
    }
  };
  const program = buildProgram(io, run);
  try {
    await program.parseAsync(separateCommand(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; unknown flags and commands are usage errors
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return renderError(error, io, style);
  }
  return code;
}

/** --ansi is needed before commander has parsed, to colour its own errors. */
function ansiFromArgv(argv: string[]): 'auto' | 'always' | 'never' {
  const i = argv.findIndex((a) => a === '--ansi' || a.startsWith('--ansi='));
  const value = i < 0 ? undefined : argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  return value === 'always' || value === 'never' ? value : 'auto';
}
