/**
 * Errors every layer raises. Only `cli` prints them and chooses exit codes; each carries a
 * literal `code` for machines and a `hint` telling the user what to do next.
 */

/** A place in a source file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem found in a compose file: the loader gathers all of them before failing. */
export interface ComposeIssue {
  /** Where the problem is; absent when no better place than the file is known. */
  position?: SourcePosition;
  /** The file the problem is in, when position is unknown. */
  file?: string;
  /** JSON pointer of the offending value in the document (`/services/web/ports/0`). */
  pointer: string;
  message: string;
  hint?: string;
  /** `error` fails the load; `warning` is reported and loading goes on. */
  severity: 'error' | 'warning';
}

export interface DevErrorOptions {
  hint?: string;
  cause?: unknown;
}

export interface ComposeFileErrorOptions extends DevErrorOptions {
  /** Warnings found before the load failed, still worth showing. */
  warnings?: ComposeIssue[];
}

/** Base error: a literal machine-readable code, a message for humans, and a hint. */
export class DevError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: DevErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DevError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** One or more problems in compose files (syntax, schema, references, variables). */
export class ComposeFileError extends DevError {
  readonly issues: ComposeIssue[];
  readonly warnings: ComposeIssue[];

  constructor(issues: ComposeIssue[], options: ComposeFileErrorOptions = {}) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('COMPOSE_INVALID', `${first ? formatIssue(first) : 'invalid compose file'}${more}`, {
      hint: options.hint ?? first?.hint,
      cause: options.cause,
    });
    this.name = 'ComposeFileError';
    this.issues = issues;
    this.warnings = options.warnings ?? [];
  }
}

/** A cycle in `depends_on`, `extends` or `include`, named by its path. */
export class DependencyCycleError extends DevError {
  readonly path: string[];

  constructor(kind: string, path: string[], options: DevErrorOptions = {}) {
    super('DEPENDENCY_CYCLE', `${kind} cycle: ${path.join(' -> ')}`, options);
    this.name = 'DependencyCycleError';
    this.path = path;
  }
}

/** `file:line:column: message`, or `file: message` when the place is unknown. */
export function formatIssue(issue: ComposeIssue): string {
  const where = issue.position
    ? `${issue.position.file}:${issue.position.line}:${issue.position.column}`
    : (issue.file ?? '');
  return where ? `${where}: ${issue.message}` : issue.message;
}
