/** The variables a compose document refers to, with their defaults (`dev config --variables`). */

export interface VariableRef {
  name: string;
  required: boolean;
  defaultValue?: string;
  alternateValue?: string;
}

/** Every `$VAR`/`${VAR…}` in the string values of `doc`, merged by name, sorted. */
export function collectVariables(doc: unknown): VariableRef[] {
  const found = new Map<string, VariableRef>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const ref of scanTemplate(v)) {
        const known = found.get(ref.name);
        found.set(ref.name, known ? mergeRefs(known, ref) : ref);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const child of Object.values(v)) visit(child);
    }
  };
  visit(doc);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function mergeRefs(a: VariableRef, b: VariableRef): VariableRef {
  const out: VariableRef = { name: a.name, required: a.required || b.required };
  const def = a.defaultValue ?? b.defaultValue;
  const alt = a.alternateValue ?? b.alternateValue;
  if (def !== undefined) out.defaultValue = def;
  if (alt !== undefined) out.alternateValue = alt;
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The references in one template, nested ones (inside defaults) included. */
export function scanTemplate(template: string): VariableRef[] {
  const refs: VariableRef[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '$') continue;
    const next = template[i + 1];
    if (next === '$') {
      i++;
      continue;
    }
    if (next !== '{') {
      const m = NAME.exec(template.slice(i + 1));
      if (m) refs.push({ name: m[0], required: false });
      continue;
    }
    const end = matchingBrace(template, i + 1);
    if (end < 0) break;
    const body = template.slice(i + 2, end);
    const m = NAME.exec(body);
    if (m) {
      const rest = body.slice(m[0].length);
      const op = /^(:?[-?+])/.exec(rest)?.[1];
      const arg = op ? rest.slice(op.length) : '';
      const ref: VariableRef = { name: m[0], required: op === '?' || op === ':?' };
      if (op === '-' || op === ':-') ref.defaultValue = arg;
      if (op === '+' || op === ':+') ref.alternateValue = arg;
      refs.push(ref);
      if (op && op !== '?' && op !== ':?') refs.push(...scanTemplate(arg));
    }
    i = end;
  }
  return refs;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
