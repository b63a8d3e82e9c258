/** Disk use of a volume's content, for prune's SpaceReclaimed and `docker system df`. */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes in regular files and links below `path`, each hard-linked file counted once. */
export function directorySize(path: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else if (!seen.has(`${stat.dev}:${stat.ino}`)) {
        seen.add(`${stat.dev}:${stat.ino}`);
        total += stat.size;
      }
    }
  };
  walk(path);
  return total;
}
