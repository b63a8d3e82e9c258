import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { defaultSeccompProfile } from './seccomp-profile.js';

const allowed = (caps: readonly string[], arch = 'x64') =>
  defaultSeccompProfile({ capabilities: caps, arch }).syscalls?.[0]?.names ?? [];

describe('defaultSeccompProfile', () => {
  it('allows the common syscalls and denies the rest with EPERM', () => {
    const profile = defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES, arch: 'x64' });
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).toBe(1);
    expect(profile.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const names = allowed(DEFAULT_CAPABILITIES);
    for (const name of ['read', 'openat', 'execve', 'arch_prctl', 'chroot']) expect(names).toContain(name);
    for (const name of ['mount', 'ptrace', 'reboot', 'init_module', 'keyctl', 'add_key'])
      expect(names).not.toContain(name);
  });

  it('unlocks syscalls with their capabilities', () => {
    const names = allowed([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']);
    for (const name of ['mount', 'unshare', 'setns', 'ptrace', 'process_vm_readv'])
      expect(names).toContain(name);
    expect(allowed(['CAP_SYS_TIME'])).toContain('clock_settime');
  });

  it('keeps clone from making namespaces without CAP_SYS_ADMIN', () => {
    const rules = defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES, arch: 'x64' }).syscalls ?? [];
    expect(rules).toContainEqual({
      names: ['clone'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    });
    expect(rules).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    const admin = defaultSeccompProfile({ capabilities: ['CAP_SYS_ADMIN'], arch: 'arm64' });
    expect(admin.syscalls?.some((r) => r.names.includes('clone3') && r.action !== 'SCMP_ACT_ALLOW')).toBe(
      false,
    );
    expect(admin.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  });
});
