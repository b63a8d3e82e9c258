/**
 * conmon's control fifo (`ctl` in the bundle): one line per command; `1 <height> <width>`
 * resizes the terminal. Opened non-blocking, so a shim that is gone fails fast instead of
 * leaving the daemon waiting for a reader forever.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { ContainerStateError } from './runtime-errors.js';

/** Asks the shim behind `ctlPath` to resize its terminal. */
export function writeControl(ctlPath: string, size: { height: number; width: number }): void {
  const height = Math.max(1, Math.floor(size.height));
  const width = Math.max(1, Math.floor(size.width));
  let fd: number;
  try {
    fd = openSync(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new ContainerStateError(ctlPath, 'not running', 'no shim listens for a resize', { cause: error });
  }
  try {
    writeSync(fd, `1 ${height} ${width}\n`);
  } finally {
    closeSync(fd);
  }
}
