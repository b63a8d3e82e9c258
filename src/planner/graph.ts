/**
 * A small dependency graph over string nodes (services, builds): edges point from a node to
 * what it depends on. Every listing is sorted, so orders and cycle paths are deterministic
 * whatever order the nodes and edges were added in.
 */
import { DependencyCycleError } from '../model/errors.js';

/** A DAG of named nodes; `kind` names the relation in cycle errors (`depends_on`). */
export class Graph {
  readonly kind: string;
  private readonly deps = new Map<string, Set<string>>();
  private readonly rdeps = new Map<string, Set<string>>();

  constructor(kind: string) {
    this.kind = kind;
  }

  /** Adds a node (no-op when present). */
  addNode(node: string): void {
    if (!this.deps.has(node)) {
      this.deps.set(node, new Set());
      this.rdeps.set(node, new Set());
    }
  }

  /** `node` depends on `dependency` (both are added when missing). */
  addEdge(node: string, dependency: string): void {
    this.addNode(node);
    this.addNode(dependency);
    this.deps.get(node)?.add(dependency);
    this.rdeps.get(dependency)?.add(node);
  }

  has(node: string): boolean {
    return this.deps.has(node);
  }

  /** All nodes, sorted. */
  nodes(): string[] {
    return [...this.deps.keys()].sort(compare);
  }

  /** Direct dependencies of `node`, sorted. */
  dependenciesOf(node: string): string[] {
    return [...(this.deps.get(node) ?? [])].sort(compare);
  }

  /** Direct dependents of `node`, sorted. */
  dependentsOf(node: string): string[] {
    return [...(this.rdeps.get(node) ?? [])].sort(compare);
  }

  /** `start` and everything it reaches following dependencies (or dependents), as a set. */
  closure(start: Iterable<string>, direction: 'dependencies' | 'dependents'): Set<string> {
    const edges = direction === 'dependencies' ? this.deps : this.rdeps;
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const node = stack.pop() as string;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const next of edges.get(node) ?? []) if (!seen.has(next)) stack.push(next);
    }
    return seen;
  }

  /** The first cycle met walking sorted nodes depth-first, as `[a, b, a]`; undefined when acyclic. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string): string[] | undefined => {
      state.set(node, 'open');
      stack.push(node);
      for (const dep of this.dependenciesOf(node)) {
        const s = state.get(dep);
        if (s === 'open') return [...stack.slice(stack.indexOf(dep)), dep];
        if (s === undefined) {
          const found = visit(dep);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(node, 'done');
      return undefined;
    };
    for (const node of this.nodes()) {
      if (state.has(node)) continue;
      const found = visit(node);
      if (found) return found;
    }
    return undefined;
  }

  /** Dependencies before dependents, ties broken by name; throws DependencyCycleError on a cycle. */
  order(): string[] {
    return this.kahn(this.deps, this.rdeps);
  }

  /** Dependents before dependencies, ties broken by name; throws DependencyCycleError on a cycle. */
  reverseOrder(): string[] {
    return this.kahn(this.rdeps, this.deps);
  }

  /** Kahn's algorithm with a sorted ready list: a node is ready once everything in `before` is out. */
  private kahn(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
    const waiting = new Map<string, number>();
    const ready: string[] = [];
    for (const [node, set] of before) {
      waiting.set(node, set.size);
      if (set.size === 0) ready.push(node);
    }
    ready.sort(compare);
    const out: string[] = [];
    // ready is kept sorted descending so the smallest name pops from the end in O(1).
    ready.reverse();
    while (ready.length > 0) {
      const node = ready.pop() as string;
      out.push(node);
      for (const next of after.get(node) ?? []) {
        const left = (waiting.get(next) ?? 0) - 1;
        waiting.set(next, left);
        if (left === 0) insertDescending(ready, next);
      }
    }
    if (out.length < before.size) {
      throw new DependencyCycleError(this.kind, this.findCycle() ?? [], {
        hint: `remove one of the ${this.kind} entries in the cycle`,
      });
    }
    return out;
  }
}

function insertDescending(list: string[], item: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as string, item) > 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

/** Plain code-unit order, the same on every machine (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
