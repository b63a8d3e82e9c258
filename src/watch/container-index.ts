/**
 * The project's running containers by service, kept current from the engine's events (a list
 * on each burst of container events, not one per sync: a sync must not wait for a list).
 */
import type { Engine } from '../engine/engine.js';
import { Labels } from '../model/labels.js';
import type { Clock } from './debounce.js';

export interface IndexedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
}

/** Running, non-one-off containers of one project. */
export class ContainerIndex {
  private byService = new Map<string, IndexedContainer[]>();
  private timer: unknown;
  private refreshing: Promise<void> | undefined;
  /** Events came since the last list began: the index may be behind. */
  private stale = false;

  constructor(
    private readonly engine: Engine,
    private readonly project: string,
    private readonly clock: Clock,
  ) {}

  /** The service's running containers, by number. */
  of(service: string): IndexedContainer[] {
    return this.byService.get(service) ?? [];
  }

  /** Every indexed container. */
  all(): IndexedContainer[] {
    return [...this.byService.values()].flat();
  }

  /** Lists now if events came since the last list (a sync right after a restart must not miss the container). */
  async settled(): Promise<void> {
    if (this.stale) await this.refresh().catch(() => undefined);
    else if (this.refreshing) await this.refreshing.catch(() => undefined);
  }

  /** Lists the containers now. */
  async refresh(): Promise<void> {
    const run = async () => {
      this.stale = false;
      const list = await this.engine.listContainers({ labels: [`${Labels.project}=${this.project}`] });
      const next = new Map<string, IndexedContainer[]>();
      for (const c of list) {
        if (c.oneoff || c.state !== 'running') continue;
        const entry = { id: c.id, name: c.name, service: c.service, number: c.number };
        next.set(c.service, [...(next.get(c.service) ?? []), entry]);
      }
      for (const list of next.values()) list.sort((a, b) => a.number - b.number);
      this.byService = next;
    };
    // Calls during a refresh run once more after it, so the last one sees the latest state.
    const previous = this.refreshing ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(run);
    this.refreshing = mine;
    try {
      await mine;
    } finally {
      if (this.refreshing === mine) this.refreshing = undefined;
    }
  }

  /** Refreshes a moment after the last call (container events come in bursts). */
  refreshSoon(onError: (error: unknown) => void): void {
    this.stale = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch(onError);
    }, 50);
  }

  /** Cancels a pending refresh. */
  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }
}
