/** Builders for test tars, including ones no honest tool would write. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeTarHeader,
  TAR_END,
  type TarWriteEntry,
  tarPadding,
} from '../../../src/engine/daemon/images/tar-writer.js';

export interface FixtureEntry extends Omit<TarWriteEntry, 'mode'> {
  mode?: number;
  data?: string | Buffer;
}

/** A tar of the given entries, in order (files get their data's length as size). */
export function buildTar(entries: FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const mode = entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644);
    parts.push(encodeTarHeader({ mtime: 1_700_000_000, ...entry, mode, size: data.length }));
    parts.push(data, tarPadding(data.length));
  }
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

/** A fresh temp dir under /tmp (ext4 here: overlayfs and trusted xattrs work on it). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dev-images-${prefix}-`));
}

export function removeDir(dir: string): void {
  // a failed test may leave mounts behind: lazy-unmount anything under dir first
  try {
    const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' })
      .split('\n')
      .filter((m) => m.startsWith(`${dir}/`))
      .sort()
      .reverse();
    for (const m of mounts) execFileSync('umount', ['-l', m]);
  } catch {
    // findmnt missing or nothing mounted
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Chunks of a buffer, as a stream would deliver them. */
export async function* chunked(data: Buffer, size = 7000): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

export const isRoot = process.getuid?.() === 0;
