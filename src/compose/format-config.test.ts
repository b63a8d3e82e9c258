import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Project } from '../model/project.js';
import { compareYamlKeys, formatConfigJson, formatConfigYaml } from './format-config.js';
import { normalizeProject } from './normalize.js';

function load(yaml: string): Project {
  return normalizeProject(parse(yaml), {
    projectName: 'demo',
    workingDir: '/work/app',
    homeDir: '/home/me',
    lookup: () => undefined,
  });
}

const EXAMPLE = `
name: ignored-here
x-defaults: {z: 1, a: 2}
services:
  web:
    x-team: web
    image: nginx:1.27
    healthcheck: {test: curl -f http://localhost, interval: 90s}
    hostname: web
    deploy: {resources: {limits: {memory: 512m, cpus: '0.5'}}}
    depends_on: [db]
    environment: [FOOBAR=1, FOO_BAR=2, A10=x, A9=y, ANSWER=yes, TIME=12:30, PORT=8080]
    ports: ["8080:80"]
    mem_limit: 1g
    volumes: ["./html:/usr/share/nginx/html:ro", "cache:/var/cache/nginx"]
    command: nginx -g "daemon off;"
  db:
    build:
      context: ./db
      dockerfile_inline: |
        FROM postgres:16
        RUN echo "a very long line that must never be folded by the YAML printer, however long it gets, because compose does not fold"
    secrets: [pw]
volumes:
  cache:
secrets:
  pw: {file: ./pw.txt}
`;

describe('formatConfigYaml', () => {
  it('prints like docker compose config', () => {
    expect(formatConfigYaml(load(EXAMPLE))).toMatchInlineSnapshot(`
      "name: demo
      services:
        db:
          build:
            context: /work/app/db
            dockerfile_inline: |
              FROM postgres:16
              RUN echo "a very long line that must never be folded by the YAML printer, however long it gets, because compose does not fold"
          networks:
            default: null
          secrets:
            - source: pw
              target: /run/secrets/pw
        web:
          command:
            - nginx
            - -g
            - daemon off;
          depends_on:
            db:
              condition: service_started
              required: true
          deploy:
            resources:
              limits:
                cpus: 0.5
                memory: "536870912"
          environment:
            A9: "y"
            A10: x
            ANSWER: "yes"
            FOO_BAR: "2"
            FOOBAR: "1"
            PORT: "8080"
            TIME: "12:30"
          hostname: web
          healthcheck:
            test:
              - CMD-SHELL
              - curl -f http://localhost
            interval: 1m30s
          image: nginx:1.27
          mem_limit: "1073741824"
          networks:
            default: null
          ports:
            - mode: ingress
              target: 80
              published: "8080"
              protocol: tcp
          volumes:
            - type: bind
              source: /work/app/html
              target: /usr/share/nginx/html
              read_only: true
              bind:
                create_host_path: true
            - type: volume
              source: cache
              target: /var/cache/nginx
              volume: {}
          x-team: web
      networks:
        default:
          name: demo_default
      volumes:
        cache:
          name: demo_cache
      secrets:
        pw:
          name: demo_pw
          file: /work/app/pw.txt
      x-defaults:
        a: 2
        z: 1
      "
    `);
  });

  it('prints an empty project with an empty services mapping', () => {
    expect(formatConfigYaml(load('services: {}'))).toBe('name: demo\nservices: {}\n');
  });

  it('quotes strings other YAML readers would take for numbers or booleans', () => {
    const project = load(`
services:
  s:
    network_mode: host
    labels: {"on": key, a: "on", b: "Off", bb: "oFF", c: "1_000", d: "0b11", e: "true", f: "1.5", g: "", h: "null", i: "~", j: "02:42:ac:11:65:43", k: "1:20"}
`);
    expect(formatConfigYaml(project)).toMatchInlineSnapshot(`
      "name: demo
      services:
        s:
          labels:
            a: "on"
            b: "Off"
            bb: oFF
            c: "1_000"
            d: "0b11"
            e: "true"
            f: "1.5"
            g: ""
            h: "null"
            i: "~"
            j: 02:42:ac:11:65:43
            k: "1:20"
            "on": key
          network_mode: host
      "
    `);
  });

  it('puts keys compose does not know after known ones and before extensions', () => {
    const project = load('services: {s: {image: a}}');
    Object.assign(project.services.s as object, { 'x-a': 1, zzz: 2, aaa: 3 });
    expect(formatConfigYaml(project)).toMatchInlineSnapshot(`
      "name: demo
      services:
        s:
          image: a
          networks:
            default: null
          aaa: 3
          zzz: 2
          x-a: 1
      networks:
        default:
          name: demo_default
      "
    `);
  });
});

describe('formatConfigJson', () => {
  it('sorts top-level keys, keeps compose order inside and escapes like Go', () => {
    const project = load(`
x-note: "<b>&</b>"
services:
  s:
    image: a
    mem_limit: 1k
    environment: {FOOBAR: "1", FOO_BAR: "2"}
    ports: [80]
`);
    expect(formatConfigJson(project)).toMatchInlineSnapshot(`
      "{
        "name": "demo",
        "networks": {
          "default": {
            "name": "demo_default"
          }
        },
        "services": {
          "s": {
            "environment": {
              "FOOBAR": "1",
              "FOO_BAR": "2"
            },
            "image": "a",
            "mem_limit": "1024",
            "networks": {
              "default": null
            },
            "ports": [
              {
                "mode": "ingress",
                "target": 80,
                "protocol": "tcp"
              }
            ]
          }
        },
        "x-note": "\\u003cb\\u003e\\u0026\\u003c/b\\u003e"
      }
      "
    `);
  });
});

describe('compareYamlKeys', () => {
  const sorted = (keys: string[]) => [...keys].sort(compareYamlKeys);

  it('orders digit runs as numbers', () => {
    expect(sorted(['a10', 'a9', 'a1', 'a100', 'b'])).toEqual(['a1', 'a9', 'a10', 'a100', 'b']);
    expect(sorted(['10', '9', '1'])).toEqual(['1', '9', '10']);
  });

  it('puts punctuation before letters, unless inside a number', () => {
    expect(sorted(['FOOBAR', 'FOO_BAR', 'FOO.BAR'])).toEqual(['FOO.BAR', 'FOO_BAR', 'FOOBAR']);
    expect(sorted(['x1a', 'x1_'])).toEqual(['x1a', 'x1_']);
  });

  it('keeps plain alphabetical order for letters and a prefix first', () => {
    expect(sorted(['web', 'api', 'db', 'Zed', 'apiserver'])).toEqual([
      'Zed',
      'api',
      'apiserver',
      'db',
      'web',
    ]);
    expect(compareYamlKeys('same', 'same')).toBe(0);
  });
});
