/**
 * `--change` instructions of `docker import` and `docker commit` applied to a container config,
 * with dockerd's semantics (its BuildFromConfig): the allowed instructions are CMD, ENTRYPOINT,
 * ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, USER, VOLUME and WORKDIR; variables expand from the
 * env as it was before each instruction; ENTRYPOINT clears an inherited CMD unless CMD was set
 * by an earlier change.
 */
import { posix } from 'node:path';
import { ImageError } from './errors.js';
import type { ContainerConfig, HealthConfig } from './image-types.js';
import { processWord, processWords, splitWords } from './shell-words.js';

const ALLOWED = new Set([
  'cmd',
  'entrypoint',
  'env',
  'expose',
  'healthcheck',
  'label',
  'onbuild',
  'user',
  'volume',
  'workdir',
]);

/** Returns a new config with `changes` applied; ImageError IMAGE_CHANGE_INVALID on a bad change. */
export function applyConfigChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  let cmdSet = false;
  for (const line of instructionLines(changes)) {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toLowerCase();
    const rest = match[2]!.trim();
    if (!ALLOWED.has(keyword)) throw invalid(`${keyword} is not a valid change command`);
    const env = out.Env ?? [];
    const upper = keyword.toUpperCase();
    switch (keyword) {
      case 'env':
        for (const [key, value] of nameValues(rest, upper)) {
          setEnv(out, processWord(key, env), processWord(value, env));
        }
        break;
      case 'label': {
        const labels = { ...(out.Labels ?? {}) };
        for (const [key, value] of nameValues(rest, upper))
          labels[processWord(key, env)] = processWord(value, env);
        out.Labels = sortKeys(labels);
        break;
      }
      case 'cmd':
        out.Cmd = command(rest, out, upper);
        cmdSet = true;
        break;
      case 'entrypoint':
        out.Entrypoint = command(rest, out, upper);
        if (!cmdSet) out.Cmd = null;
        break;
      case 'user':
        requireArgs(rest, upper);
        out.User = processWord(rest, env);
        break;
      case 'workdir': {
        requireArgs(rest, upper);
        const dir = processWord(rest, env);
        out.WorkingDir = posix.isAbsolute(dir)
          ? posix.normalize(dir)
          : posix.join('/', out.WorkingDir || '/', dir);
        break;
      }
      case 'expose': {
        const ports = processWords(rest, env);
        if (ports.length === 0) throw invalid('EXPOSE requires at least one argument');
        const exposed: Record<string, Record<string, never>> = { ...(out.ExposedPorts ?? {}) };
        for (const spec of ports) for (const port of parsePorts(spec)) exposed[port] = {};
        out.ExposedPorts = sortKeys(exposed);
        break;
      }
      case 'volume': {
        const list = jsonArray(rest) ?? processWords(rest, env);
        if (list.length === 0) throw invalid('VOLUME requires at least one argument');
        const volumes: Record<string, Record<string, never>> = { ...(out.Volumes ?? {}) };
        for (const volume of list) {
          const path = volume.trim();
          if (path === '') throw invalid('VOLUME specified can not be an empty string');
          volumes[path] = {};
        }
        out.Volumes = sortKeys(volumes);
        break;
      }
      case 'healthcheck':
        out.Healthcheck = healthcheck(rest);
        break;
      case 'onbuild': {
        requireArgs(rest, upper);
        const first = rest.split(/\s/, 1)[0]!.toUpperCase();
        if (first === 'ONBUILD') throw invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (first === 'FROM' || first === 'MAINTAINER')
          throw invalid(`${first} isn't allowed as an ONBUILD trigger`);
        out.OnBuild = [...(out.OnBuild ?? []), rest];
        break;
      }
    }
  }
  return out;
}

/** Each change may hold several lines; `\` at a line end continues it; `#` lines are comments. */
function instructionLines(changes: readonly string[]): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of changes.join('\n').split('\n')) {
    if (pending === '' && /^\s*(#|$)/.test(raw)) continue;
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1);
      continue;
    }
    lines.push(pending + raw);
    pending = '';
  }
  if (pending) lines.push(pending);
  return lines;
}

/** ENV/LABEL arguments: `key=value ...`, or the old `key value with spaces`. */
function nameValues(rest: string, keyword: string): [string, string][] {
  const words = splitWords(rest);
  if (words.length === 0) throw invalid(`${keyword} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const parts = rest.split(/\s+/);
    if (parts.length < 2) throw invalid(`${keyword} must have two arguments`);
    return [[parts[0]!, rest.slice(parts[0]!.length).trim()]];
  }
  return words.map((word) => {
    const equals = word.indexOf('=');
    if (equals < 0) {
      throw invalid(
        `Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`,
      );
    }
    return [word.slice(0, equals), word.slice(equals + 1)];
  });
}

function setEnv(config: ContainerConfig, key: string, value: string): void {
  const env = [...(config.Env ?? [])];
  const index = env.findIndex((e) => e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')) === key);
  if (index >= 0) env[index] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  config.Env = env;
}

/** Exec form (a JSON array of strings) or shell form (wrapped in the config's shell). */
function command(rest: string, config: ContainerConfig, keyword: string): string[] {
  const exec = jsonArray(rest);
  if (exec) return exec;
  requireArgs(rest, keyword);
  return [...(config.Shell ?? ['/bin/sh', '-c']), rest];
}

function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(rest);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** `80`, `80/udp`, `8000-8002/tcp` → `port/proto` keys. */
function parsePorts(spec: string): string[] {
  const [range = '', proto = 'tcp', extra] = spec.split('/');
  if (extra !== undefined || !['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) {
    throw invalid(`invalid proto: ${proto}`);
  }
  if (range.includes(':')) throw invalid(`Invalid containerPort: ${spec}`);
  const [startText = '', endText] = range.split('-');
  const start = portNumber(startText, spec);
  const end = endText === undefined ? start : portNumber(endText, spec);
  if (end < start) throw invalid(`Invalid range specified for the Port: ${spec}`);
  const out: string[] = [];
  for (let port = start; port <= end; port++) out.push(`${port}/${proto.toLowerCase()}`);
  return out;
}

function portNumber(text: string, spec: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw invalid(`Invalid containerPort: ${spec}`);
  return port;
}

function healthcheck(rest: string): HealthConfig {
  const flags: Record<string, string> = {};
  let text = rest;
  for (;;) {
    const flag = /^--([a-z-]+)=(\S*)\s*/.exec(text);
    if (!flag) break;
    flags[flag[1]!] = flag[2]!;
    text = text.slice(flag[0].length);
  }
  const type = text.split(/\s+/, 1)[0] ?? '';
  const args = text.slice(type.length).trim();
  if (type.toUpperCase() === 'NONE') {
    if (args !== '') throw invalid('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (type.toUpperCase() !== 'CMD')
    throw invalid(`Unknown type "${type.toUpperCase()}" in HEALTHCHECK (try CMD)`);
  const exec = jsonArray(args);
  if (!exec) requireArgs(args, 'HEALTHCHECK CMD');
  const health: HealthConfig = { Test: exec ? ['CMD', ...exec] : ['CMD-SHELL', args] };
  for (const [name, key] of [
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['start-period', 'StartPeriod'],
    ['start-interval', 'StartInterval'],
  ] as const) {
    const value = flags[name];
    if (value !== undefined && value !== '') health[key] = parseDuration(value, name);
  }
  if (flags.retries !== undefined) {
    const retries = Number(flags.retries);
    if (!Number.isInteger(retries) || retries < 0) throw invalid('--retries cannot be negative');
    if (retries > 0) health.Retries = retries;
  }
  for (const key of Object.keys(flags)) {
    if (!['interval', 'timeout', 'start-period', 'start-interval', 'retries'].includes(key)) {
      throw invalid(`Unknown flag: ${key}`);
    }
  }
  return health;
}

/** A Go duration (`1m30s`, `500ms`) in nanoseconds. */
function parseDuration(text: string, flag: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = text;
  if (rest === '0') return 0;
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!part) throw invalid(`invalid duration "${text}" for --${flag}`);
    total += Number(part[1]) * units[part[2]!]!;
    rest = rest.slice(part[0].length);
  }
  return Math.round(total);
}

function requireArgs(rest: string, keyword: string): void {
  if (rest === '') throw invalid(`${keyword} requires at least one argument`);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

function invalid(message: string): ImageError {
  return new ImageError('IMAGE_CHANGE_INVALID', message, {
    hint: 'changes take Dockerfile syntax: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, USER, VOLUME, WORKDIR',
  });
}
