/** `dev config` (and `dev validate`): the normalised project, or one view of it. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { DocumentLoader } from '../../compose/document-loader.js';
import { explain } from '../../compose/explain.js';
import { formatConfigJson, formatConfigYaml } from '../../compose/format-config.js';
import { loadMergedDocument } from '../../compose/load-document.js';
import { type LoadedProject, loadProject } from '../../compose/load-project.js';
import { Origins } from '../../compose/origins.js';
import { readTextFile } from '../../compose/read-text.js';
import { collectVariables } from '../../compose/variables.js';
import { configHash } from '../../model/config-hash.js';
import { DevError } from '../../model/errors.js';
import type { Project } from '../../model/project.js';
import { type CliIO, createStyle } from '../io.js';
import { type CommandContext, loadOptions } from '../program.js';
import { renderWarnings } from '../render-error.js';
import { formatExplain } from './format-explain.js';

export interface ConfigOptions {
  format: 'yaml' | 'json';
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  profiles?: boolean;
  images?: boolean;
  variables?: boolean;
  environment?: boolean;
  hash?: string;
  explain?: string;
  quiet?: boolean;
  interpolate: boolean;
  normalize: boolean;
  consistency: boolean;
  pathResolution: boolean;
  output?: string;
}

export async function runConfig(
  ctx: CommandContext<Partial<ConfigOptions>>,
  force: Partial<ConfigOptions> = {},
): Promise<number> {
  const o = { ...ctx.options, ...force };
  const { io } = ctx;
  const style = createStyle(io, o.ansi);
  const options = {
    ...loadOptions(o, io),
    interpolate: o.interpolate !== false,
    consistency: o.consistency !== false,
    resolvePaths: o.pathResolution !== false,
    services: ctx.args,
  };
  // Without interpolation, values such as `${PORT}:80` cannot be normalised: print the merged files.
  if (o.normalize === false || o.interpolate === false) {
    const merged = loadMergedDocument(options);
    renderWarnings(merged.warnings, io, style);
    if (!o.quiet) write(o, io, formatRaw(merged.raw, o.format ?? 'yaml'));
    return 0;
  }
  const loaded = loadProject(options);
  renderWarnings(loaded.warnings, io, style);
  if (o.quiet) return 0;

  const project = ctx.args.length > 0 ? withDependencies(loaded.project, ctx.args) : loaded.project;
  write(o, io, render({ ...o, format: o.format ?? 'yaml' }, loaded, project));
  return 0;
}

function write(o: Partial<ConfigOptions>, io: CliIO, text: string): void {
  if (o.output) writeFileSync(resolve(io.cwd, o.output), text);
  else io.stdout.write(text);
}

function formatRaw(raw: unknown, format: 'yaml' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(raw, null, 2)}\n` : stringify(raw, { lineWidth: 0 });
}

function render(
  o: Partial<ConfigOptions> & { format: 'yaml' | 'json' },
  loaded: LoadedProject,
  project: Project,
): string {
  const lines = (list: string[]) => list.map((l) => `${l}\n`).join('');
  if (o.explain) return formatExplain(explain(loaded, o.explain), loaded.workingDir);
  if (o.services) return lines(Object.keys(project.services));
  if (o.volumes) return lines(Object.keys(project.volumes ?? {}));
  if (o.networks) return lines(Object.keys(project.networks ?? {}));
  if (o.profiles) return lines(loaded.profiles);
  if (o.images) {
    return lines(Object.entries(project.services).map(([name, s]) => s.image ?? `${project.name}-${name}`));
  }
  if (o.hash) return lines(hashes(project, o.hash));
  if (o.environment) {
    return lines(
      Object.entries(loaded.environment.toRecord())
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`),
    );
  }
  if (o.variables) return formatVariables(loaded, o.format);
  return o.format === 'json' ? formatConfigJson(project) : formatConfigYaml(project);
}

function hashes(project: Project, which: string): string[] {
  const names = which === '*' ? Object.keys(project.services) : which.split(',').map((s) => s.trim());
  return names.map((name) => {
    const service = project.services[name];
    if (!service) {
      throw new DevError('CONFIG_UNKNOWN_SERVICE', `no service "${name}" in the project`, {
        hint: `services: ${Object.keys(project.services).join(', ')}`,
      });
    }
    return `${name} ${configHash(service)}`;
  });
}

function formatVariables(loaded: LoadedProject, format: 'yaml' | 'json'): string {
  // Variables are read from the files as written, before interpolation.
  const loader = new DocumentLoader({
    origins: new Origins(),
    env: loaded.environment,
    interpolate: false,
    readText: (path) => readTextFile(path, 'compose file'),
    issues: [],
  });
  const docs = loaded.files.filter((f) => f !== '-').map((f) => loader.load(f));
  const vars = collectVariables(docs);
  if (format === 'json') return `${JSON.stringify(vars, null, 2)}\n`;
  const rows = [['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE']];
  for (const v of vars)
    rows.push([v.name, v.required ? 'true' : 'false', v.defaultValue ?? '', v.alternateValue ?? '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('   ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** The named services and everything they depend on. */
function withDependencies(project: Project, names: string[]): Project {
  const keep = new Set<string>();
  const add = (name: string) => {
    const service = project.services[name];
    if (!service) {
      throw new DevError('CONFIG_UNKNOWN_SERVICE', `no service "${name}" in the project`, {
        hint: `services: ${Object.keys(project.services).join(', ')}`,
      });
    }
    if (keep.has(name)) return;
    keep.add(name);
    for (const dep of Object.keys(service.depends_on ?? {})) if (project.services[dep]) add(dep);
  };
  names.forEach(add);
  const services = Object.fromEntries(Object.entries(project.services).filter(([n]) => keep.has(n)));
  return { ...project, services };
}
