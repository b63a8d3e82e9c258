/**
 * Ctrl-C as Compose users know it: the first press asks for a graceful stop (the returned
 * signal aborts), the second forces it (`onForce`), a third exits at once. SIGTERM counts as
 * the first press. Only the CLI installs process signal handlers.
 */
export interface Interrupt {
  /** Aborted on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /** Called on the second Ctrl-C. */
  onForce(handler: () => void): void;
  /** Removes the handlers. */
  dispose(): void;
}

export function installInterrupt(onFirst?: () => void): Interrupt {
  const controller = new AbortController();
  const forceHandlers: (() => void)[] = [];
  let presses = 0;
  const handler = () => {
    presses++;
    if (presses === 1) {
      onFirst?.();
      controller.abort();
    } else if (presses === 2) {
      for (const h of forceHandlers) h();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    onForce: (h) => {
      forceHandlers.push(h);
    },
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
