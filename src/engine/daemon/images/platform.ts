/** The host's OCI platform, and picking a manifest for it from a manifest list or index. */
import type { Descriptor, Platform } from './image-types.js';

const ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips: 'mips',
  mipsel: 'mipsle',
  loong64: 'loong64',
};

/** The platform Node runs on, in OCI terms (`linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`). */
export function hostPlatform(arch: string = process.arch, armVersion?: string): Platform {
  const architecture = ARCH[arch] ?? arch;
  if (architecture === 'arm64') return { os: 'linux', architecture, variant: 'v8' };
  if (architecture === 'arm') {
    const version =
      armVersion ?? String((process.config.variables as { arm_version?: string }).arm_version ?? '7');
    return { os: 'linux', architecture, variant: `v${version}` };
  }
  return { os: 'linux', architecture };
}

/** Parses `os/arch[/variant]` (as in `--platform`). */
export function parsePlatform(text: string): Platform {
  const [os = 'linux', architecture = '', variant] = text.toLowerCase().split('/');
  const arch =
    ARCH[architecture] ??
    (architecture === 'x86_64' ? 'amd64' : architecture === 'aarch64' ? 'arm64' : architecture);
  const platform: Platform = { os, architecture: arch };
  if (variant) platform.variant = variant;
  else if (arch === 'arm64') platform.variant = 'v8';
  return platform;
}

/** `os/arch[/variant]`. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The best manifest of a list for `want`: same os and architecture, variant equal (or absent on
 * either side: arm64 lists often omit v8); an exact variant match wins. Attestation manifests
 * (`unknown/unknown`) never match.
 */
export function pickPlatform(manifests: readonly Descriptor[], want: Platform): Descriptor | undefined {
  let fallback: Descriptor | undefined;
  for (const descriptor of manifests) {
    const p = descriptor.platform;
    if (!p || p.os !== want.os || p.architecture !== want.architecture) continue;
    if (p.variant === want.variant) return descriptor;
    const lenient = !p.variant || !want.variant || (want.architecture === 'arm64' && p.variant === 'v8');
    // arm/v7 hosts can run arm/v6 and v5 images
    const older = want.architecture === 'arm' && p.variant && want.variant && p.variant < want.variant;
    if ((lenient || older) && !fallback) fallback = descriptor;
  }
  return fallback;
}
