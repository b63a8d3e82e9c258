import { describe, expect, it } from 'vitest';
import { DependencyCycleError } from '../model/errors.js';
import { Graph } from './graph.js';

const build = (edges: [string, string][], nodes: string[] = []) => {
  const g = new Graph('depends_on');
  for (const n of nodes) g.addNode(n);
  for (const [a, b] of edges) g.addEdge(a, b);
  return g;
};

describe('Graph', () => {
  it('orders dependencies first (and dependents first), ties by name, whatever the insertion order', () => {
    const edges: [string, string][] = [
      ['web', 'api'],
      ['api', 'db'],
      ['api', 'cache'],
      ['worker', 'db'],
    ];
    const g = build(edges, ['zeta']);
    const h = build([...edges].reverse(), ['zeta']);
    expect(g.order()).toEqual(['cache', 'db', 'api', 'web', 'worker', 'zeta']);
    expect(h.order()).toEqual(g.order());
    expect(g.reverseOrder()).toEqual(['web', 'api', 'cache', 'worker', 'db', 'zeta']);
    expect(g.dependenciesOf('api')).toEqual(['cache', 'db']);
    expect(g.dependentsOf('db')).toEqual(['api', 'worker']);
    expect([...g.closure(['web'], 'dependencies')].sort()).toEqual(['api', 'cache', 'db', 'web']);
    expect([...g.closure(['db'], 'dependents')].sort()).toEqual(['api', 'db', 'web', 'worker']);
  });

  it('finds a cycle as a path and refuses to order it', () => {
    const g = build([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
    ]);
    expect(g.findCycle()).toEqual(['b', 'c', 'b']);
    expect(() => g.order()).toThrow(DependencyCycleError);
    expect(() => g.reverseOrder()).toThrow('depends_on cycle: b -> c -> b');
    expect(build([['a', 'a']]).findCycle()).toEqual(['a', 'a']);
    expect(build([['a', 'b']]).findCycle()).toBeUndefined();
  });

  it('orders a long chain and a wide fan quickly', () => {
    const chain = new Graph('x');
    for (let i = 1; i < 2000; i++) chain.addEdge(`s${i}`, `s${i - 1}`);
    expect(chain.order()[1999]).toBe('s1999');
    const fan = new Graph('x');
    for (let i = 0; i < 2000; i++) fan.addEdge('root', `leaf${String(i).padStart(4, '0')}`);
    expect(fan.order().at(-1)).toBe('root');
  });
});
