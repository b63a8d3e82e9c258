/** Text of `dev config --explain`: one block per value, its origin chain indented below it. */
import { relative } from 'node:path';
import type { ExplainEntry } from '../../compose/explain.js';
import type { Origin } from '../../compose/origins.js';

export function formatExplain(entries: ExplainEntry[], cwd: string): string {
  const where = (o: Origin) => `${relative(cwd, o.file) || o.file}:${o.line}:${o.column}`;
  const out: string[] = [];
  for (const e of entries) {
    const value = e.masked ? '****** (hidden: looks like a secret)' : JSON.stringify(e.value);
    out.push(`${e.path} = ${value}`);
    if (!e.origin) {
      out.push('    set by default (not written in any file)');
      continue;
    }
    const o = e.origin;
    out.push(
      `    ${e.inherited ? 'part of the value at' : 'written at'} ${where(o)}${o.via ? ` (${o.via})` : ''}`,
    );
    for (const v of o.variables ?? []) {
      const from =
        v.source === 'shell'
          ? 'the shell environment'
          : v.source === 'env-file'
            ? `env file ${relative(cwd, v.file ?? '') || v.file}`
            : v.source === 'default'
              ? 'the default written in the file'
              : 'nobody (unset, empty)';
      out.push(`    \${${v.name}} supplied by ${from}`);
    }
    for (let p = o.previous; p; p = p.previous)
      out.push(`    overrides ${where(p)}${p.via ? ` (${p.via})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
