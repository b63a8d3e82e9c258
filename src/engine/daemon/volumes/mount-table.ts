/** Mount points read from /proc/self/mountinfo, to know what is mounted under a directory. */
import { readFileSync } from 'node:fs';

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string, mountInfoPath = '/proc/self/mountinfo'): string[] {
  let text: string;
  try {
    text = readFileSync(mountInfoPath, 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = text
    .split('\n')
    .map((line) => decodeMountField(line.split(' ')[4] ?? ''))
    .filter((point) => point === dir || point.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function decodeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
