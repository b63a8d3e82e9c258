/**
 * The variables a project is interpolated with: `.env` / `--env-file` files under the shell
 * environment (the shell wins, as in Compose), each value remembering who supplied it.
 */
import type { VariableUse } from './origins.js';

export interface EnvValue {
  value: string;
  source: Exclude<VariableUse['source'], 'default' | 'unset'>;
  /** The env file, when source is `env-file`. */
  file?: string;
}

/** An immutable view of variables with their sources. */
export class ProjectEnvironment {
  private readonly values: Map<string, EnvValue>;

  constructor(values: Map<string, EnvValue>) {
    this.values = values;
  }

  /** Builds it from the shell and env files already parsed, in order (later files win over earlier ones). */
  static from(
    shell: Record<string, string | undefined>,
    envFiles: { file: string; values: Record<string, string> }[],
  ) {
    const values = new Map<string, EnvValue>();
    for (const { file, values: vars } of envFiles) {
      for (const [name, value] of Object.entries(vars)) values.set(name, { value, source: 'env-file', file });
    }
    for (const [name, value] of Object.entries(shell)) {
      if (value !== undefined) values.set(name, { value, source: 'shell' });
    }
    return new ProjectEnvironment(values);
  }

  get(name: string): EnvValue | undefined {
    return this.values.get(name);
  }

  value(name: string): string | undefined {
    return this.values.get(name)?.value;
  }

  /** A copy with `name` set (as the shell would), e.g. COMPOSE_PROJECT_NAME once known. */
  with(name: string, value: string): ProjectEnvironment {
    const values = new Map(this.values);
    values.set(name, { value, source: 'shell' });
    return new ProjectEnvironment(values);
  }

  /** A copy where `envFiles` fill in the variables this environment does not set (an included project's `.env`). */
  under(envFiles: { file: string; values: Record<string, string> }[]): ProjectEnvironment {
    const values = new Map<string, EnvValue>();
    for (const { file, values: vars } of envFiles) {
      for (const [name, value] of Object.entries(vars)) values.set(name, { value, source: 'env-file', file });
    }
    for (const [name, v] of this.values) values.set(name, v);
    return new ProjectEnvironment(values);
  }

  /** Plain name → value map. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) out[k] = v.value;
    return out;
  }
}
