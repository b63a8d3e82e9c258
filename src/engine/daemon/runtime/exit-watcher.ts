/**
 * Watches the directory conmon writes exit notices into (`--exit-dir`): one inotify watch for
 * all containers, so an exit is noticed at once without polling or a process per container.
 */
import { type FSWatcher, mkdirSync, watch } from 'node:fs';

/** Calls `onNotice(name)` for each file created or changed in `dir` (conmon names them by container id). */
export class ExitWatcher {
  private readonly watcher: FSWatcher;

  constructor(dir: string, onNotice: (name: string) => void) {
    mkdirSync(dir, { recursive: true });
    this.watcher = watch(dir, { persistent: false }, (_event, name) => {
      // conmon writes a temporary file and renames it to the id; temporary names contain a dot.
      if (name && !name.includes('.')) onNotice(name);
    });
    this.watcher.on('error', () => {});
  }

  close(): void {
    this.watcher.close();
  }
}
