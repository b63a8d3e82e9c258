/** The plan's DAG for people: Graphviz dot or a Mermaid flowchart, nodes in plan order. */
import type { Plan } from './plan.js';
import { stepLabel } from './step-label.js';

/** The DAG as `dot` (Graphviz) or `mermaid` text; an edge goes from a step to one that waits for it. */
export function formatGraph(plan: Plan, format: 'dot' | 'mermaid'): string {
  const ids = new Set(plan.steps.map((s) => s.id));
  const edges = plan.steps.flatMap((s) => s.after.filter((a) => ids.has(a)).map((a) => [a, s.id] as const));
  const label = (s: Plan['steps'][number]) => {
    const { verb, object } = stepLabel(s);
    return `${verb} ${object}`;
  };
  if (format === 'dot') {
    const q = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const lines = [`digraph ${q(plan.project)} {`, '  rankdir=LR;', '  node [shape=box];'];
    for (const s of plan.steps) {
      lines.push(
        `  ${q(s.id)} [label=${q(label(s))}${s.kind === 'keep-container' ? ', style=dashed' : ''}];`,
      );
    }
    for (const [from, to] of edges) lines.push(`  ${q(from)} -> ${q(to)};`);
    lines.push('}');
    return lines.join('\n');
  }
  // Mermaid ids must be plain words: number the steps.
  const node = new Map(plan.steps.map((s, i) => [s.id, `s${i}`]));
  const esc = (text: string) => text.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const s of plan.steps) lines.push(`  ${node.get(s.id)}["${esc(label(s))}"]`);
  for (const [from, to] of edges) lines.push(`  ${node.get(from)} --> ${node.get(to)}`);
  const kept = plan.steps.filter((s) => s.kind === 'keep-container').map((s) => node.get(s.id));
  if (kept.length > 0) {
    lines.push('  classDef keep stroke-dasharray: 4 4');
    lines.push(`  class ${kept.join(',')} keep`);
  }
  return lines.join('\n');
}
