/** Exit codes of `dev`, stable for scripts and CI. */
export const ExitCode = {
  ok: 0,
  /** The command failed (engine, runtime, I/O). */
  failure: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** Compose files or env files are invalid. */
  invalidProject: 14,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
  /** A bug in dev itself. */
  internal: 70,
} as const;
