import { describe, expect, it } from 'vitest';
import { dep, emptyState, makeProject, stateAfterUp } from '../../test/planner/builders.js';
import { formatGraph } from './format-graph.js';
import { formatPlan, planToJson } from './format-plan.js';
import { reconcile } from './reconcile.js';

const project = () =>
  makeProject('g', {
    db: { image: 'postgres' },
    web: { image: 'nginx', depends_on: { db: dep('service_healthy') } },
  });

describe('plan output', () => {
  it('draws the DAG as Graphviz dot and as a Mermaid flowchart', () => {
    const p = project();
    const plan = reconcile(p, emptyState(p));
    expect(formatGraph(plan, 'dot')).toMatchInlineSnapshot(`
      "digraph "g" {
        rankdir=LR;
        node [shape=box];
        "image:pull:nginx" [label="pull image nginx"];
        "image:pull:postgres" [label="pull image postgres"];
        "network:create:default" [label="create network g_default"];
        "container:db:1:create" [label="create container g-db-1"];
        "wait:db:service_healthy" [label="wait service db healthy"];
        "container:web:1:create" [label="create container g-web-1"];
        "image:pull:postgres" -> "container:db:1:create";
        "network:create:default" -> "container:db:1:create";
        "container:db:1:create" -> "wait:db:service_healthy";
        "image:pull:nginx" -> "container:web:1:create";
        "network:create:default" -> "container:web:1:create";
        "wait:db:service_healthy" -> "container:web:1:create";
      }"
    `);
    const kept = reconcile(p, stateAfterUp(p));
    expect(formatGraph(kept, 'mermaid')).toMatchInlineSnapshot(`
      "flowchart LR
        s0["keep container g-db-1"]
        s1["wait service db healthy"]
        s2["keep container g-web-1"]
        s0 --> s1
        classDef keep stroke-dasharray: 4 4
        class s0,s2 keep"
    `);
  });

  it('gives JSON with a fixed key order', () => {
    const p = project();
    const json = planToJson(reconcile(p, emptyState(p), { services: ['db'] }));
    expect(json).toMatchInlineSnapshot(`
      {
        "orphans": [],
        "project": "g",
        "services": [
          "db",
        ],
        "steps": [
          {
            "after": [],
            "id": "image:pull:postgres",
            "image": "postgres",
            "kind": "pull-image",
            "reason": "missing",
            "services": [
              "db",
            ],
          },
          {
            "after": [],
            "id": "network:create:default",
            "kind": "create-network",
            "name": "g_default",
            "network": "default",
            "reason": "missing",
          },
          {
            "after": [
              "image:pull:postgres",
              "network:create:default",
            ],
            "id": "container:db:1:create",
            "kind": "create-container",
            "name": "g-db-1",
            "number": 1,
            "reason": "missing",
            "service": "db",
            "start": true,
          },
        ],
        "warnings": [],
      }
    `);
    expect(Object.keys(json.steps[0] ?? {}).slice(0, 4)).toEqual(['kind', 'id', 'after', 'reason']);
  });

  it('says when there is nothing to do', () => {
    const p = makeProject('e', {});
    expect(formatPlan(reconcile(p, emptyState(p)))).toBe('nothing to do');
  });
});
