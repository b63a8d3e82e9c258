/**
 * `dev exec web sh -c "ls -l"`: everything after the service is the container's command, even
 * what looks like a flag. commander cannot tell that apart without making every global flag
 * positional, so a `--` is inserted after the service before parsing.
 */

/** Global flags that take a value (the next word). */
const GLOBAL_VALUES = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--project-directory',
  '--env-file',
  '--profile',
  '--ansi',
  '--progress',
  '--engine',
]);

/** Per command: its flags that take a value. */
const COMMAND_VALUES: Record<string, Set<string>> = {
  exec: new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--index']),
  run: new Set([
    '-u',
    '--user',
    '-w',
    '--workdir',
    '-e',
    '--env',
    '--name',
    '--entrypoint',
    '-p',
    '--publish',
    '-v',
    '--volume',
    '-l',
    '--label',
    '--pull',
    '--cap-add',
    '--cap-drop',
    '--env-from-file',
  ]),
};

/** argv with `--` after the service of `exec` and `run` (unchanged for other commands). */
export function separateCommand(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === '--') return argv;
    if (!a.startsWith('-')) break;
    i += GLOBAL_VALUES.has(a) ? 2 : 1;
  }
  const command = argv[i];
  const values = command ? COMMAND_VALUES[command] : undefined;
  if (!values) return argv;
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j] as string;
    if (a === '--') return argv;
    if (a.startsWith('-') && a !== '-') {
      if ((values.has(a) || GLOBAL_VALUES.has(a)) && !a.includes('=')) j++;
      continue;
    }
    // argv[j] is the service; the rest is the command.
    return j + 1 < argv.length && argv[j + 1] !== '--'
      ? [...argv.slice(0, j + 1), '--', ...argv.slice(j + 1)]
      : argv;
  }
  return argv;
}
