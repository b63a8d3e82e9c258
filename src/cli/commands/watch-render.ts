/**
 * A watch's reports as short status lines: `web: synced 3 files in 38 ms`, `api: rebuilt in
 * 4.2 s, recreated`, failures with the rule, the path and a hint, and the watch going on.
 */
import { relative } from 'node:path';
import type { WatchEvent } from '../../watch/watch-events.js';
import type { Style } from '../io.js';
import { shortName } from '../render/log-printer.js';

export interface WatchRenderOptions {
  project: string;
  /** Directory host paths are shown relative to. */
  cwd: string;
  style: Style;
  /** Also show each catch-up that found nothing to do, and the files of each sync. */
  verbose?: boolean;
  /** How the watch is stopped, for the ready line. */
  stopHint?: string;
}

/** The lines an event prints (none for some). */
export function formatWatchEvent(e: WatchEvent, o: WatchRenderOptions): string[] {
  const name = (n: string) => shortName(o.project, n);
  const path = (p: string) => (p.startsWith('/') ? relative(o.cwd, p) || '.' : p);
  switch (e.kind) {
    case 'ready':
      return [
        `watching ${e.services.join(', ')}: ${count(e.rules, 'rule')}, ${count(e.watched, 'path')} (ready in ${duration(e.ms)}); ${o.stopHint ?? 'Ctrl-C stops'}`,
      ];
    case 'synced': {
      const what = [
        ...(e.sent > 0 ? [`synced ${count(e.sent, 'file')}`] : []),
        ...(e.deleted > 0 ? [`deleted ${count(e.deleted, 'file')}`] : []),
      ].join(', ');
      const to = e.containers > 1 ? ` to ${e.containers} containers` : '';
      const lines = [`${e.service}: ${what}${to} in ${duration(e.ms)}`];
      if (o.verbose) lines.push(...e.paths.map((p) => o.style.dim(`  ${path(p)}`)));
      return lines;
    }
    case 'caught-up':
      if (e.sent === 0 && e.deleted === 0) {
        return o.verbose
          ? [`${name(e.container)}: up to date (${count(e.inPlace, 'file')} checked in ${duration(e.ms)})`]
          : [];
      }
      return [
        `${name(e.container)}: caught up in ${duration(e.ms)}: sent ${count(e.sent, 'file')}${e.deleted > 0 ? `, deleted ${e.deleted}` : ''}, ${e.inPlace} already in place`,
      ];
    case 'rebuilding':
      return [`${e.service}: rebuilding…`];
    case 'rebuilt': {
      const restarted = e.restarted.length > 0 ? `; restarted ${e.restarted.map(name).join(', ')}` : '';
      const outcome = e.recreated.length > 0 ? 'recreated' : 'image unchanged, container kept';
      return [`${e.service}: rebuilt in ${duration(e.ms)}, ${outcome}${restarted}`];
    }
    case 'restarted': {
      const deps = e.dependents.length > 0 ? ` (and ${e.dependents.map(name).join(', ')})` : '';
      return [`${e.service}: restarted in ${duration(e.ms)}${deps}`];
    }
    case 'executed': {
      const status = e.exitCode === 0 ? '' : `, exited with ${e.exitCode}`;
      const head = `${e.service}: ran \`${e.command.map(quote).join(' ')}\` in ${name(e.container)} in ${duration(e.ms)}${status}`;
      const out = e.output.trimEnd().split('\n').filter(Boolean).slice(-20);
      return [e.exitCode === 0 ? head : o.style.red(head), ...out.map((l) => o.style.dim(`  ${l}`))];
    }
    case 'replanned': {
      const files = e.files.map(path).join(', ');
      return e.applied.length === 0
        ? [`${files} changed: nothing to apply`]
        : [
            `${files} changed: ${e.applied.map((a) => a.replace(`${o.project}-`, '')).join(', ')} (${duration(e.ms)})`,
          ];
    }
    case 'rules-reloaded':
      return [`${e.files.map(path).join(', ')} changed: watch rules read again (${count(e.rules, 'rule')})`];
    case 'failed': {
      const who = e.service ? `${e.service}: ` : '';
      const lines = [`${who}${o.style.red(`${e.action} failed`)}: ${e.error.message.split('\n')[0]}`];
      if (e.rule) lines.push(o.style.dim(`  rule: ${e.rule}`));
      if (e.path) lines.push(o.style.dim(`  path: ${path(e.path)}`));
      const hint = (e.error as { hint?: string }).hint;
      if (hint) lines.push(o.style.dim(`  hint: ${hint}`));
      lines.push(o.style.dim('  still watching'));
      return lines;
    }
    case 'warning':
      return [
        `${o.style.yellow('warning')}: ${e.message}`,
        ...(e.hint ? [o.style.dim(`  hint: ${e.hint}`)] : []),
      ];
    case 'engine-lost':
      return [`${o.style.yellow('lost the engine')}: ${e.error.message}; retrying`];
    case 'engine-back':
      return ['the engine is back; catching up'];
    case 'stopped':
      return ['stopped watching'];
  }
}

/** A word as a shell would need it written. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function count(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** `38 ms`, `4.2 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
