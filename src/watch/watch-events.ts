/** What a watch reports as it goes; the CLI turns these into status lines. Pure types. */

/** One report of a running watch. */
export type WatchEvent =
  | { kind: 'warning'; message: string; hint?: string }
  | { kind: 'ready'; services: string[]; rules: number; watched: number; ms: number }
  | {
      kind: 'synced';
      service: string;
      /** Files, links and directories sent. */
      sent: number;
      deleted: number;
      containers: number;
      ms: number;
      /** Up to a few host paths, for verbose output. */
      paths: string[];
    }
  | {
      kind: 'caught-up';
      service: string;
      container: string;
      sent: number;
      deleted: number;
      inPlace: number;
      ms: number;
    }
  | { kind: 'rebuilding'; service: string }
  | { kind: 'rebuilt'; service: string; ms: number; recreated: string[]; restarted: string[] }
  | { kind: 'restarted'; service: string; containers: string[]; dependents: string[]; ms: number }
  | {
      kind: 'executed';
      service: string;
      container: string;
      command: string[];
      exitCode: number;
      output: string;
      ms: number;
    }
  | { kind: 'replanned'; files: string[]; applied: string[]; ms: number }
  | { kind: 'rules-reloaded'; files: string[]; rules: number }
  | {
      kind: 'failed';
      action: 'sync' | 'rebuild' | 'restart' | 'exec' | 'catch-up' | 'reload' | 'watch';
      service?: string;
      /** Label of the rule involved. */
      rule?: string;
      /** Host path involved. */
      path?: string;
      error: Error;
    }
  | { kind: 'engine-lost'; error: Error }
  | { kind: 'engine-back' }
  | { kind: 'stopped' };

export type WatchEventKind = WatchEvent['kind'];
