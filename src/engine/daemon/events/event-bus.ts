/**
 * The engine's events (GET /events): every part publishes what happened to containers, images,
 * networks and volumes; subscribers get new events as they come, and `since` replays recent
 * ones from a bounded buffer, as dockerd does.
 */

/** One event in the Engine API's shape. */
export interface EngineEventMessage {
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Old fields docker-py and compose v1 still read. */
  status?: string;
  id?: string;
  from?: string;
}

type Listener = (event: EngineEventMessage) => void;

export class EventBus {
  private readonly recent: EngineEventMessage[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly keep = 1024,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Publishes an event now. */
  publish(
    type: EngineEventMessage['Type'],
    action: string,
    id: string,
    attributes: Record<string, string> = {},
  ): void {
    const ms = this.clock();
    const event: EngineEventMessage = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Math.floor(ms / 1000),
      timeNano: ms * 1e6,
    };
    if (type === 'container') {
      event.status = action;
      event.id = id;
      if (attributes.image) event.from = attributes.image;
    }
    this.recent.push(event);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const l of this.listeners) l(event);
  }

  /** Events from `sinceSeconds` on (replayed), then new ones; returns the unsubscribe function. */
  subscribe(listener: Listener, sinceSeconds?: number): () => void {
    if (sinceSeconds !== undefined) {
      for (const e of this.recent) if (e.timeNano >= sinceSeconds * 1e9) listener(e);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
