/**
 * Overlayfs whiteouts (character devices 0:0) made cheaply: one device node is created with
 * `mknod` and every whiteout is a hard link to it, as the kernel itself does for the whiteouts
 * it writes (overlayfs shares one whiteout inode). When the link count limit is reached
 * (ext4: 65000) a fresh template is made.
 */
import { linkSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FsTools } from './fs-tools.js';

/** Creates whiteouts by hard-linking a template device kept at `templatePath`. */
export class WhiteoutMaker {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly templatePath: string,
    private readonly tools: FsTools,
  ) {}

  /** Makes sure the template exists (one `mknod` the first time). */
  async prepare(): Promise<void> {
    this.ready ??= this.makeTemplate(false).finally(() => {
      this.ready = undefined;
    });
    await this.ready;
  }

  /** True when a whiteout can be made without spawning a process. */
  isReady(): boolean {
    try {
      const stat = lstatSync(this.templatePath);
      return stat.isCharacterDevice() && stat.rdev === 0;
    } catch {
      return false;
    }
  }

  /** Creates a whiteout at `path`, which must not exist. */
  async create(path: string): Promise<void> {
    if (!this.isReady()) await this.prepare();
    try {
      linkSync(this.templatePath, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EMLINK') throw error;
      await this.makeTemplate(true);
      linkSync(this.templatePath, path);
    }
  }

  private async makeTemplate(replace: boolean): Promise<void> {
    if (!replace && this.isReady()) return;
    mkdirSync(dirname(this.templatePath), { recursive: true });
    try {
      unlinkSync(this.templatePath);
    } catch {
      // absent: nothing to replace
    }
    try {
      await this.tools.makeWhiteout(this.templatePath);
    } catch (error) {
      // a concurrent unpack may have made it first
      if (!this.isReady()) throw error;
    }
  }
}
