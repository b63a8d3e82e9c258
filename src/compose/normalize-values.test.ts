import { describe, expect, it } from 'vitest';
import { issuesOf, loadService } from '../../test/helpers/normalize.js';

describe('environment and mappings', () => {
  it('turns lists into mappings and looks up entries without a value', () => {
    expect(loadService('environment: [A=1, B=, FROM_ENV, UNSET, C=x=y, EMPTY]').environment).toEqual({
      A: '1',
      B: '',
      FROM_ENV: 'looked-up',
      UNSET: null,
      C: 'x=y',
      EMPTY: '',
    });
  });

  it('converts mapping values to strings', () => {
    expect(
      loadService('environment: {N: 1, F: 1.5, T: true, OFF: false, NUL: null, FROM_ENV: ~}').environment,
    ).toEqual({
      N: '1',
      F: '1.5',
      T: 'true',
      OFF: 'false',
      NUL: null,
      FROM_ENV: 'looked-up',
    });
  });

  it('converts labels, annotations, sysctls and storage options', () => {
    const s = loadService(`
labels: [com.example.description=Accounting webapp, com.example.empty]
annotations: {com.example.foo: bar, n: 42, nothing: null}
sysctls: [net.core.somaxconn=1024]
storage_opt: {size: 20G}
`);
    expect(s.labels).toEqual({ 'com.example.description': 'Accounting webapp', 'com.example.empty': '' });
    expect(s.annotations).toEqual({ 'com.example.foo': 'bar', n: '42', nothing: '' });
    expect(s.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(s.storage_opt).toEqual({ size: '20G' });
  });

  it('writes extra hosts as sorted host=ip entries', () => {
    expect(
      loadService(
        'extra_hosts: ["somehost:162.242.195.82", "v6=[::1]", "other=50.31.209.229", "multi=1.1.1.1,2.2.2.2", "colon6:::1"]',
      ).extra_hosts,
    ).toEqual([
      'colon6=::1',
      'multi=1.1.1.1',
      'multi=2.2.2.2',
      'other=50.31.209.229',
      'somehost=162.242.195.82',
      'v6=::1',
    ]);
    expect(loadService('extra_hosts: {b: "::1", a: [1.1.1.1, 2.2.2.2]}').extra_hosts).toEqual([
      'a=1.1.1.1',
      'a=2.2.2.2',
      'b=::1',
    ]);
  });

  it('reports a host without an address', () => {
    expect(issuesOf(() => loadService('extra_hosts: [nohost]'))[0]?.message).toContain('missing IP: nohost');
  });

  it('turns single values into lists', () => {
    const s = loadService(`
dns: 8.8.8.8
dns_search: example.com
tmpfs: /run
group_add: [mail, 1000]
expose: ["3000", 8000, "8080-8085/tcp"]
`);
    expect(s.dns).toEqual(['8.8.8.8']);
    expect(s.dns_search).toEqual(['example.com']);
    expect(s.tmpfs).toEqual(['/run']);
    expect(s.group_add).toEqual(['mail', '1000']);
    expect(s.expose).toEqual(['3000', '8000', '8080-8085/tcp']);
  });
});
