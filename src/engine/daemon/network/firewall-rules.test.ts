import { describe, expect, it } from 'vitest';
import {
  buildChainRules,
  buildRemovalInput,
  buildRestoreInput,
  chainNames,
  jumpsFor,
} from './firewall-rules.js';
import { foreignDnatPorts, installedJumps, parseIptablesSave } from './iptables-save.js';

const chains = chainNames('DEV');
const front = {
  bridge: 'dv-front',
  subnet: '10.89.1.0/24',
  gateway: '10.89.1.1',
  internal: false,
  masquerade: true,
  dns: true,
};
const vault = {
  bridge: 'dv-vault',
  subnet: '10.89.2.0/24',
  gateway: '10.89.2.1',
  internal: true,
  masquerade: true,
  dns: true,
};

describe('buildChainRules', () => {
  it('accepts replies and published ports before isolating networks from each other', () => {
    const forwards = [
      {
        protocol: 'tcp' as const,
        hostIp: '0.0.0.0',
        hostPort: 8080,
        containerIp: '10.89.1.2',
        containerPort: 80,
      },
      {
        protocol: 'udp' as const,
        hostIp: '127.0.0.1',
        hostPort: 5353,
        containerIp: '10.89.1.2',
        containerPort: 53,
      },
    ];
    const rules = buildChainRules(chains, [front, vault], forwards);
    expect(rules.filter.filter((l) => l.startsWith('-A DEV-FORWARD'))).toEqual([
      '-A DEV-FORWARD -o dv-front -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DEV-FORWARD -o dv-front -m conntrack --ctstate DNAT -j ACCEPT',
      '-A DEV-FORWARD -i dv-front -o dv-front -j ACCEPT',
      '-A DEV-FORWARD -i dv-vault -o dv-vault -j ACCEPT',
      '-A DEV-FORWARD -i dv-front -j DEV-ISOLATION',
      '-A DEV-FORWARD -i dv-front -j ACCEPT',
      '-A DEV-FORWARD -i dv-vault -j DROP',
      '-A DEV-FORWARD -o dv-front -j DROP',
      '-A DEV-FORWARD -o dv-vault -j DROP',
    ]);
    expect(rules.nat).toEqual([
      '-A DEV-PORTS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.89.1.2:80',
      '-A DEV-PORTS -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 10.89.1.2:53',
      '-A DEV-POSTROUTING -s 10.89.1.0/24 ! -o dv-front -j MASQUERADE',
      '-A DEV-POSTROUTING -s 127.0.0.0/8 -o dv-front -j MASQUERADE',
      '-A DEV-POSTROUTING -s 10.89.1.0/24 -o dv-front -m conntrack --ctstate DNAT -j MASQUERADE',
      '-A DEV-POSTROUTING -s 127.0.0.0/8 -o dv-vault -j MASQUERADE',
      '-A DEV-POSTROUTING -s 10.89.2.0/24 -o dv-vault -m conntrack --ctstate DNAT -j MASQUERADE',
    ]);
  });

  it('lets only a network own bridge ask its DNS server', () => {
    const rules = buildChainRules(chains, [front], []);
    expect(rules.filter.filter((l) => l.startsWith('-A DEV-INPUT'))).toContain(
      '-A DEV-INPUT -d 10.89.1.1/32 -p udp -m udp --dport 53 -j DROP',
    );
    expect(rules.filter).toContain(
      '-A DEV-INPUT -i dv-front -d 10.89.1.1/32 -p udp -m udp --dport 53 -j ACCEPT',
    );
  });
});

describe('restore inputs', () => {
  it('declares (and so flushes) our chains and adds missing jumps only', () => {
    const jumps = jumpsFor(chains);
    const input = buildRestoreInput({
      chains,
      rules: { filter: ['-A DEV-FORWARD -j ACCEPT'], nat: [] },
      addJumps: jumps.slice(0, 1),
    });
    expect(input).toBe(
      [
        '*filter',
        ':DEV-FORWARD - [0:0]',
        ':DEV-ISOLATION - [0:0]',
        ':DEV-INPUT - [0:0]',
        '-A DEV-FORWARD -j ACCEPT',
        '-I FORWARD 1 -m comment --comment dev-engine -j DEV-FORWARD',
        'COMMIT',
        '*nat',
        ':DEV-PORTS - [0:0]',
        ':DEV-POSTROUTING - [0:0]',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('deletes installed jumps before the chains', () => {
    const jumps = jumpsFor(chains).filter((j) => j.table === 'nat');
    const input = buildRemovalInput(chains, jumps);
    const deletion = input.indexOf('-D POSTROUTING -m comment --comment dev-engine -j DEV-POSTROUTING');
    expect(deletion).toBeGreaterThan(input.indexOf('-D PREROUTING -m addrtype --dst-type LOCAL'));
    expect(deletion).toBeLessThan(input.indexOf(':DEV-PORTS'));
    expect(input).toContain('-X DEV-POSTROUTING\nCOMMIT');
  });
});

describe('iptables-save', () => {
  const saved = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment dev-engine -j DEV-PORTS',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p udp -m udp --dport 9000:9002 -j DNAT --to-destination 172.17.0.3:9000',
    '-A DEV-PORTS -p tcp -m tcp --dport 7000 -j DNAT --to-destination 10.89.1.2:80',
    'COMMIT',
    '*filter',
    '-A FORWARD -j DOCKER-USER',
    'COMMIT',
  ].join('\n');

  it('finds which of our jumps are installed', () => {
    const found = installedJumps(parseIptablesSave(saved), jumpsFor(chains));
    expect(found.map((j) => j.chain)).toEqual(['PREROUTING']);
  });

  it('finds the host ports others DNAT, ignoring ours', () => {
    expect(foreignDnatPorts(parseIptablesSave(saved), 'DEV')).toEqual([
      { protocol: 'tcp', hostIp: '0.0.0.0', from: 8080, to: 8080, chain: 'DOCKER' },
      { protocol: 'udp', hostIp: '127.0.0.1', from: 9000, to: 9002, chain: 'DOCKER' },
    ]);
  });
});
