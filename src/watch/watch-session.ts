/**
 * A running watch: chokidar events batched, sorted into work per service by the rules, and run
 * by one queue per service; the engine's events keep the container list current and ask for a
 * catch-up when a container starts that dev did not restart itself, or when the engine comes
 * back. Compose files and env files are watched too (re-planned through the host), and so are
 * the ignore files (the rules are compiled again).
 */
import type { Engine, EngineEvent } from '../engine/engine.js';
import { DevError } from '../model/errors.js';
import { Labels } from '../model/labels.js';
import type { Project } from '../model/project.js';
import { compileRules } from './compile-rules.js';
import { ContainerIndex } from './container-index.js';
import { type Clock, Debouncer, systemClock } from './debounce.js';
import { followEngineEvents } from './engine-events.js';
import { ManifestStore } from './manifest-store.js';
import { type ChangedPath, type CompiledRule, planBatch, watcherSkips } from './rules.js';
import { ServiceQueue } from './service-queue.js';
import { type RoundContext, runRound } from './service-round.js';
import type { Owner } from './sync-tar.js';
import type { WatchEvent } from './watch-events.js';
import type { WatchHost } from './watch-host.js';
import { type FileWatcher, startWatcher } from './watcher.js';

export interface WatchSessionOptions {
  engine: Engine;
  project: Project;
  /** Services to watch (none: every service with rules). */
  services: string[];
  /** Compose files and env files: a change re-plans the project. */
  projectFiles: string[];
  host: WatchHost;
  onEvent: (event: WatchEvent) => void;
  /** Batch window: a batch closes after this long without a change (default 25 ms). */
  debounceMs?: number;
  /** A rebuild waits until its triggers were quiet this long (default 500 ms). */
  rebuildQuietMs?: number;
  /** When the settle check looks at sent files again (default 75 ms; chokidar drops repeats within 50 ms). */
  settleMs?: number;
  /** Compare host and containers on start, restart and reconnect (default true). */
  catchUp?: boolean;
  gitignore?: boolean;
  /** Where the synced-paths manifests are kept; none: memory only. */
  stateDir?: string;
  clock?: Clock;
}

/** Starts a watch; it runs until `close()`. */
export class WatchSession {
  private project: Project;
  private rules: CompiledRule[] = [];
  private services: string[] = [];
  private projectFiles: Set<string>;
  private ignoreFiles = new Set<string>();
  private watcher: FileWatcher | undefined;
  private readonly queues = new Map<string, ServiceQueue>();
  private readonly debouncer: Debouncer<ChangedPath>;
  private readonly index: ContainerIndex;
  private readonly manifest: ManifestStore;
  private readonly clock: Clock;
  private readonly events = new AbortController();
  private readonly round: RoundContext;
  private following: Promise<void> | undefined;
  private control: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly o: WatchSessionOptions) {
    this.project = o.project;
    this.projectFiles = new Set(o.projectFiles);
    this.clock = o.clock ?? systemClock;
    const quiet = o.debounceMs ?? 25;
    this.debouncer = new Debouncer<ChangedPath>({
      quietMs: quiet,
      maxWaitMs: Math.max(250, quiet * 10),
      clock: this.clock,
      flush: (batch) => this.onBatch(batch),
    });
    this.index = new ContainerIndex(o.engine, o.project.name, this.clock);
    this.manifest = new ManifestStore({ clock: this.clock, ...(o.stateDir ? { dir: o.stateDir } : {}) });
    this.round = {
      engine: o.engine,
      project: () => this.project,
      rules: () => this.rules,
      index: this.index,
      host: o.host,
      manifest: this.manifest,
      owners: new Map<string, Promise<Owner>>(),
      canRemove: new Map(),
      selfRestarts: new Set(),
      warnedNoRemove: new Set(),
      warnedNoContainer: new Set(),
      lastSent: new Map(),
      emit: (e) => this.emit(e),
      recheck: (paths) => {
        for (const p of paths) this.debouncer.push(p.path, p);
      },
      clock: this.clock,
      settleMs: o.settleMs ?? 75,
    };
  }

  /** Compiles the rules (throws on a bad one), catches up, and watches; resolves once ready. */
  static async start(o: WatchSessionOptions): Promise<WatchSession> {
    const session = new WatchSession(o);
    const started = session.clock.now();
    session.compile(o.project);
    await session.index.refresh();
    session.following = followEngineEvents({
      engine: o.engine,
      project: o.project.name,
      clock: session.clock,
      signal: session.events.signal,
      onEvent: (e) => session.onEngineEvent(e),
      onLost: (error) => session.emit({ kind: 'engine-lost', error }),
      onBack: () => session.onEngineBack(),
    });
    await session.startWatching();
    for (const service of session.services) {
      if (session.index.of(service).length > 0) continue;
      session.round.warnedNoContainer.add(service);
      session.emit({
        kind: 'warning',
        message: `${service}: no running container; changes wait for one to start`,
        hint: '`dev up -d` starts the project; `dev up --watch` starts it and watches',
      });
    }
    if (o.catchUp !== false) session.catchUpAll(true);
    await session.idle();
    session.emit({
      kind: 'ready',
      services: session.services,
      rules: session.rules.length,
      watched: session.watcher?.watchedCount() ?? 0,
      ms: session.clock.now() - started,
    });
    return session;
  }

  /** Resolves when no batch is waiting and every queue is idle (tests and `--explain` use it). */
  async idle(): Promise<void> {
    for (;;) {
      await this.control;
      await Promise.all([...this.queues.values()].map((q) => q.idle()));
      if (this.debouncer.size === 0) return;
      await new Promise((r) => this.clock.setTimeout(() => r(undefined), 10));
    }
  }

  /** The compiled rules (for `--explain`). */
  currentRules(): CompiledRule[] {
    return this.rules;
  }

  /** Stops watching; lets running work finish. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.debouncer.cancel();
    this.events.abort();
    this.index.dispose();
    await this.watcher?.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.following;
    this.manifest.flush();
    this.emit({ kind: 'stopped' });
  }

  private emit(event: WatchEvent): void {
    try {
      this.o.onEvent(event);
    } catch {
      // A renderer's failure must not stop the watch.
    }
  }

  private compile(project: Project): void {
    const compiled = compileRules({
      project,
      services: this.o.services,
      ...(this.o.gitignore === false ? { gitignore: false } : {}),
    });
    for (const w of compiled.warnings) this.emit({ kind: 'warning', message: w });
    for (const r of compiled.rules)
      for (const n of r.notes) this.emit({ kind: 'warning', message: `${r.label}: ${n}` });
    this.rules = compiled.rules;
    this.services = compiled.services;
    this.ignoreFiles = new Set(compiled.ignoreFiles);
  }

  private async startWatching(): Promise<void> {
    const special = (path: string) => this.projectFiles.has(path) || this.ignoreFiles.has(path);
    const roots = [...this.rules.map((r) => r.path), ...this.projectFiles, ...this.ignoreFiles];
    const rules = this.rules;
    this.watcher = await startWatcher({
      roots,
      skip: (path, isDir) => !special(path) && watcherSkips(rules, path, isDir),
      onEvent: (e) => this.debouncer.push(e.path, { path: e.path, isDir: e.isDir }),
      onError: (error) => this.emit({ kind: 'failed', action: 'watch', error: explainWatchError(error) }),
    });
  }

  private queue(service: string): ServiceQueue {
    let q = this.queues.get(service);
    if (!q) {
      q = new ServiceQueue({
        clock: this.clock,
        rebuildQuietMs: this.o.rebuildQuietMs ?? 500,
        run: (round) => runRound(this.round, service, round),
        onError: (error) =>
          this.emit({
            kind: 'failed',
            action: 'watch',
            service,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
      });
      this.queues.set(service, q);
    }
    return q;
  }

  private onBatch(batch: ChangedPath[]): void {
    if (this.closed) return;
    const plan = planBatch(this.rules, batch, {
      projectFiles: this.projectFiles,
      ignoreFiles: this.ignoreFiles,
    });
    for (const [service, work] of plan.services) this.queue(service).add(work);
    if (plan.projectFiles.length > 0) this.inControl(() => this.reload(plan.projectFiles));
    else if (plan.ignoreFiles.length > 0) this.inControl(() => this.recompile(plan.ignoreFiles));
  }

  /** Reloads and recompiles one at a time, in the order asked. */
  private inControl(task: () => Promise<void>): void {
    this.control = this.control.then(task).catch((error: unknown) =>
      this.emit({
        kind: 'failed',
        action: 'watch',
        error: error instanceof Error ? error : new Error(String(error)),
      }),
    );
  }

  private async reload(files: string[]): Promise<void> {
    const started = this.clock.now();
    try {
      const outcome = await this.o.host.reload();
      this.project = outcome.project;
      this.projectFiles = new Set(outcome.projectFiles);
      this.emit({ kind: 'replanned', files, applied: outcome.applied, ms: this.clock.now() - started });
      await this.index.refresh().catch(() => undefined);
      await this.rewatch();
    } catch (error) {
      this.emit({
        kind: 'failed',
        action: 'reload',
        path: files[0] ?? '',
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  private async recompile(files: string[]): Promise<void> {
    try {
      await this.rewatch();
      this.emit({ kind: 'rules-reloaded', files, rules: this.rules.length });
    } catch (error) {
      this.emit({
        kind: 'failed',
        action: 'reload',
        path: files[0] ?? '',
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  /** New rules and a new watcher; what changed meanwhile is caught up. */
  private async rewatch(): Promise<void> {
    if (this.closed) return;
    const before = { rules: this.rules, services: this.services, ignore: this.ignoreFiles };
    try {
      this.compile(this.project);
    } catch (error) {
      Object.assign(this, { rules: before.rules, services: before.services, ignoreFiles: before.ignore });
      throw error;
    }
    await this.watcher?.close();
    await this.startWatching();
    if (this.o.catchUp !== false) this.catchUpAll(false);
  }

  private catchUpAll(onStart: boolean): void {
    for (const service of this.services) {
      const rules = this.rules.filter((r) => r.service === service && r.target !== undefined);
      const wanted = onStart ? rules.some((r) => r.initialSync !== false) : rules.length > 0;
      if (!wanted) continue;
      for (const c of this.index.of(service)) this.queue(service).requestCatchUp(c.id);
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type !== 'container' || this.closed) return;
    this.index.refreshSoon(() => undefined);
    if (e.action === 'destroy') {
      this.manifest.forget(e.id);
      this.round.owners.delete(e.id);
      this.round.canRemove.delete(e.id);
      return;
    }
    if (e.action !== 'start' || e.attributes[Labels.oneoff] === 'True') return;
    if (this.round.selfRestarts.delete(e.id) || this.o.catchUp === false) return;
    const service = e.attributes[Labels.service];
    if (!service || !this.rules.some((r) => r.service === service && r.target !== undefined)) return;
    // The index learns of the container first; the catch-up then finds it.
    void this.index.refresh().then(
      () => this.queue(service).requestCatchUp(e.id),
      () => undefined,
    );
  }

  private onEngineBack(): void {
    this.emit({ kind: 'engine-back' });
    void this.index.refresh().then(
      () => this.o.catchUp !== false && this.catchUpAll(false),
      () => undefined,
    );
  }
}

/** fs.watch's errors with what to do about them. */
function explainWatchError(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EMFILE') {
    return new DevError('WATCH_LIMIT', `the system's limit of watched directories is reached (${code})`, {
      hint: 'ignore more (build output, dependencies), or raise it: sysctl fs.inotify.max_user_watches=524288',
      cause: error,
    });
  }
  return error;
}
