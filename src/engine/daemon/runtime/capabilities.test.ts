import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES, hostCapabilities, resolveCapabilities } from './capabilities.js';
import { RuntimeSpecError } from './runtime-errors.js';

const available = hostCapabilities({ capLastCap: 40 });

describe('resolveCapabilities', () => {
  it('gives Docker’s default set, sorted', () => {
    expect(resolveCapabilities({ available })).toEqual([...DEFAULT_CAPABILITIES].sort());
  });

  it('adds and drops names written any way', () => {
    const caps = resolveCapabilities({
      available,
      capAdd: ['net_admin', 'CAP_SYS_PTRACE'],
      capDrop: ['chown'],
    });
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_SYS_PTRACE');
    expect(caps).not.toContain('CAP_CHOWN');
  });

  it('handles ALL on either side', () => {
    expect(resolveCapabilities({ available, capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] })).toEqual([
      'CAP_NET_BIND_SERVICE',
    ]);
    const all = resolveCapabilities({ available, capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] });
    expect(all).toHaveLength(40);
    expect(all).not.toContain('CAP_SYS_ADMIN');
    expect(resolveCapabilities({ available, privileged: true, capDrop: ['ALL'] })).toHaveLength(41);
  });

  it('refuses unknown capabilities', () => {
    expect(() => resolveCapabilities({ available, capAdd: ['FLY'] })).toThrow(RuntimeSpecError);
    expect(() => resolveCapabilities({ available, capDrop: ['bad name'] })).toThrow(
      /invalid capability name/,
    );
  });

  it('leaves out what the host cannot grant', () => {
    // Bit 24 (CAP_SYS_RESOURCE) missing from the bounding set, as in a restricted sandbox.
    const limited = hostCapabilities({ capLastCap: 40, capBounding: '000001fffeffffff' });
    expect(limited).not.toContain('CAP_SYS_RESOURCE');
    expect(limited).toHaveLength(40);
    expect(resolveCapabilities({ available: limited, capAdd: ['SYS_RESOURCE'] })).not.toContain(
      'CAP_SYS_RESOURCE',
    );
    expect(hostCapabilities({ capLastCap: 37 })).toHaveLength(38);
  });
});
