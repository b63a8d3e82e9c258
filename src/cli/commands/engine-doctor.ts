/** `dev engine doctor`: one line per check, then the packages to install; exit 1 when something required is missing. */
import { doctorChecks, hostDoctorProbe, missingPackages } from '../../engine/detect/bundled-doctor.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../io.js';
import type { CommandContext } from '../program.js';

/** Runs the checks and prints them. */
export async function runEngineDoctor(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const style = createStyle(io, ctx.options.ansi, 'stdout');
  const checks = doctorChecks(hostDoctorProbe(io.env));
  const width = Math.max(...checks.map((c) => c.name.length)) + 2;
  for (const c of checks) {
    const mark = c.ok ? 'ok      ' : c.required ? style.red('missing ') : style.yellow('optional');
    const packages = !c.ok && c.packages.length > 0 ? style.dim(` (Debian: ${c.packages.join(' ')})`) : '';
    io.stdout.write(`${mark} ${c.name.padEnd(width)}${c.detail}${packages}\n`);
  }
  const failed = checks.filter((c) => !c.ok && c.required);
  const required = missingPackages(checks, true);
  const optional = missingPackages(checks, false);
  if (failed.length > 0) {
    io.stdout.write(
      `\n${failed.length} required ${failed.length === 1 ? 'piece is' : 'pieces are'} missing: ${failed.map((c) => c.name).join(', ')}\n`,
    );
    if (required.length > 0) io.stdout.write(`install: apt-get install ${required.join(' ')}\n`);
  } else {
    io.stdout.write('\nthe bundled engine can run here\n');
  }
  if (optional.length > 0) io.stdout.write(`optional: apt-get install ${optional.join(' ')}\n`);
  return failed.length > 0 ? ExitCode.failure : ExitCode.ok;
}
