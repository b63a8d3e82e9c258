import { describe, expect, it } from 'vitest';
import { familiarString, formatReference, parseReference } from './reference.js';

describe('parseReference', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['user/app:v1', 'docker.io/user/app:v1', 'user/app:v1'],
    ['dev-example/busybox:latest', 'docker.io/dev-example/busybox:latest', 'dev-example/busybox:latest'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost:5000/a/b/c:tag', 'localhost:5000/a/b/c:tag', 'localhost:5000/a/b/c:tag'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest', '127.0.0.1:5000/app:latest'],
    ['ghcr.io/owner/img:1.0-rc_1', 'ghcr.io/owner/img:1.0-rc_1', 'ghcr.io/owner/img:1.0-rc_1'],
    ['Registry.Example.com/app', 'Registry.Example.com/app:latest', 'Registry.Example.com/app:latest'],
    [
      `busybox@sha256:${'a'.repeat(64)}`,
      `docker.io/library/busybox@sha256:${'a'.repeat(64)}`,
      `busybox@sha256:${'a'.repeat(64)}`,
    ],
    [
      `busybox:1@sha256:${'b'.repeat(64)}`,
      `docker.io/library/busybox:1@sha256:${'b'.repeat(64)}`,
      `busybox:1@sha256:${'b'.repeat(64)}`,
    ],
    ['a__b/c--d.e_f', 'docker.io/a__b/c--d.e_f:latest', 'a__b/c--d.e_f:latest'],
  ];
  for (const [input, normalised, familiar] of cases) {
    it(`${input} → ${normalised}`, () => {
      const ref = parseReference(input);
      expect(formatReference(ref)).toBe(normalised);
      expect(familiarString(ref)).toBe(familiar);
    });
  }

  const bad: [string, RegExp][] = [
    ['', /invalid reference format/],
    ['Busybox', /must be lowercase/],
    ['user/App', /must be lowercase/],
    ['busybox:', /invalid reference format/],
    ['busybox:-x', /invalid reference format/],
    ['a//b', /invalid reference format/],
    ['-a', /invalid reference format/],
    ['busybox@sha256:123', /invalid reference format/],
    ['f'.repeat(64), /64-byte hexadecimal/],
    [`host/${'a'.repeat(260)}`, /255 characters/],
  ];
  for (const [input, message] of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      expect(() => parseReference(input)).toThrow(message);
    });
  }

  it('leaves the tag out when asked', () => {
    expect(parseReference('busybox', { defaultTag: false }).tag).toBeUndefined();
  });
});
