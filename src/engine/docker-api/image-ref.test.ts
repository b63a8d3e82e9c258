import { describe, expect, it } from 'vitest';
import { familiarName, parseImageRef, pullParameters, registryHostOf, splitRepoTag } from './image-ref.js';

describe('image references', () => {
  it('finds the registry as the docker CLI does', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'docker.io', repository: 'nginx' });
    expect(parseImageRef('library/nginx:1.25')).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: '1.25',
    });
    expect(parseImageRef('localhost/app')).toMatchObject({ registry: 'localhost', repository: 'app' });
    expect(parseImageRef('127.0.0.1:5000/a/b:c')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'a/b',
      tag: 'c',
    });
    expect(parseImageRef('ghcr.io/o/r@sha256:abc')).toEqual({
      registry: 'ghcr.io',
      repository: 'o/r',
      digest: 'sha256:abc',
    });
    expect(parseImageRef('user/repo')).toMatchObject({ registry: 'docker.io' });
  });

  it('gives pull parameters: the tag, else the digest, else latest', () => {
    expect(pullParameters('nginx')).toEqual({ fromImage: 'nginx', tag: 'latest' });
    expect(pullParameters('localhost:5000/x:1')).toEqual({ fromImage: 'localhost:5000/x', tag: '1' });
    expect(pullParameters('r.io/x:1@sha256:d')).toEqual({ fromImage: 'r.io/x', tag: 'sha256:d' });
  });

  it('splits repository and tag for tagging', () => {
    expect(splitRepoTag('localhost:5000/x')).toEqual({ repo: 'localhost:5000/x', tag: 'latest' });
    expect(splitRepoTag('a/b:2')).toEqual({ repo: 'a/b', tag: '2' });
  });

  it('shows names as Docker lists them, not as Podman does', () => {
    expect(familiarName('docker.io/library/nginx:1')).toBe('nginx:1');
    expect(familiarName('docker.io/dev-example/busybox:latest')).toBe('dev-example/busybox:latest');
    expect(familiarName('docker.io/library/a/b')).toBe('library/a/b');
    expect(familiarName('localhost/x:1')).toBe('localhost/x:1');
  });

  it('normalises config.json registry keys', () => {
    expect(registryHostOf('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryHostOf('http://Localhost:5000')).toBe('localhost:5000');
    expect(registryHostOf('ghcr.io')).toBe('ghcr.io');
  });
});
