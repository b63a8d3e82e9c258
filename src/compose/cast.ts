/**
 * After interpolation every substituted value is a string; typed fields are cast back
 * (`privileged: "${PRIV}"` → boolean) at the same paths Compose casts, before validation.
 */
import type { ComposeIssue } from '../model/errors.js';
import { type Origins, pathToPointer } from './origins.js';

type Caster = (value: string) => { value: unknown } | { error: string };

const BOOL_TRUE = new Set(['y', 'yes', 'true', 'on']);
const BOOL_FALSE = new Set(['n', 'no', 'false', 'off']);
/** Spellings YAML 1.1 read as booleans: accepted, with a warning to write true/false. */
const YAML11_BOOLEANS = new Set(['y', 'yes', 'on', 'n', 'no', 'off']);

const toBoolean: Caster = (s) => {
  const v = s.trim().toLowerCase();
  if (BOOL_TRUE.has(v)) return { value: true };
  if (BOOL_FALSE.has(v)) return { value: false };
  return { error: `"${s}" is not a boolean (true or false)` };
};
const toInt: Caster = (s) =>
  /^[+-]?\d+$/.test(s.trim()) ? { value: Number.parseInt(s, 10) } : { error: `"${s}" is not a whole number` };
const toFloat: Caster = (s) =>
  s.trim() !== '' && Number.isFinite(Number(s)) ? { value: Number(s) } : { error: `"${s}" is not a number` };
/** Byte sizes and durations stay strings when they carry a unit; a bare number becomes one. */
const toIntOrString: Caster = (s) =>
  /^\d+$/.test(s.trim()) ? { value: Number.parseInt(s, 10) } : { value: s };

/** Paths below `services.<name>` (file `mode`s stay strings: the normaliser reads them as octal, as Compose does) (`*` any key, `[]` any list index). */
const SERVICE_CASTS: [string, Caster][] = [
  ['blkio_config.weight', toInt],
  ['blkio_config.weight_device.[].weight', toInt],
  ['build.privileged', toBoolean],
  ['build.no_cache', toBoolean],
  ['build.pull', toBoolean],
  ['build.shm_size', toIntOrString],
  ['configs.[].uid', toIntOrString],
  ['cpu_count', toInt],
  ['cpu_percent', toFloat],
  ['cpu_period', toInt],
  ['cpu_quota', toInt],
  ['cpu_rt_period', toInt],
  ['cpu_rt_runtime', toInt],
  ['cpu_shares', toInt],
  ['cpus', toFloat],
  ['depends_on.*.required', toBoolean],
  ['depends_on.*.restart', toBoolean],
  ['deploy.replicas', toInt],
  ['deploy.update_config.parallelism', toInt],
  ['deploy.update_config.max_failure_ratio', toFloat],
  ['deploy.rollback_config.parallelism', toInt],
  ['deploy.rollback_config.max_failure_ratio', toFloat],
  ['deploy.restart_policy.max_attempts', toInt],
  ['deploy.placement.max_replicas_per_node', toInt],
  ['deploy.resources.limits.cpus', toFloat],
  ['deploy.resources.limits.pids', toInt],
  ['deploy.resources.reservations.cpus', toFloat],
  ['healthcheck.retries', toInt],
  ['healthcheck.disable', toBoolean],
  ['init', toBoolean],
  ['mem_swappiness', toInt],
  ['mem_limit', toIntOrString],
  ['mem_reservation', toIntOrString],
  ['memswap_limit', toIntOrString],
  ['oom_kill_disable', toBoolean],
  ['oom_score_adj', toInt],
  ['pids_limit', toInt],
  ['ports.[].target', toInt],
  ['ports.[].published', toIntOrString],
  ['privileged', toBoolean],
  ['read_only', toBoolean],
  ['scale', toInt],
  ['shm_size', toIntOrString],
  ['stdin_open', toBoolean],
  ['tty', toBoolean],
  ['ulimits.*', toInt],
  ['ulimits.*.hard', toInt],
  ['ulimits.*.soft', toInt],
  ['volumes.[].read_only', toBoolean],
  ['volumes.[].bind.create_host_path', toBoolean],
  ['volumes.[].volume.nocopy', toBoolean],
  ['volumes.[].tmpfs.size', toIntOrString],
];
const TOP_CASTS: [string, Caster][] = [
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv4', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
  ...SERVICE_CASTS.map(([p, c]): [string, Caster] => [`services.*.${p}`, c]),
];

interface Trie {
  caster?: Caster;
  children: Map<string, Trie>;
}

const TRIE = buildTrie(TOP_CASTS);

function buildTrie(casts: [string, Caster][]): Trie {
  const root: Trie = { children: new Map() };
  for (const [path, caster] of casts) {
    let node = root;
    for (const seg of path.split('.')) {
      let next = node.children.get(seg);
      if (!next) {
        next = { children: new Map() };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.caster = caster;
  }
  return root;
}

/** Casts string values at typed paths in place; returns errors and YAML 1.1 boolean warnings. */
export function castTypedValues(doc: unknown, origins: Origins, file: string): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  walk(doc, TRIE, [], { origins, file, issues });
  return issues;
}

interface CastContext {
  origins: Origins;
  file: string;
  issues: ComposeIssue[];
}

function walk(node: unknown, trie: Trie, path: (string | number)[], ctx: CastContext): void {
  if (node === null || typeof node !== 'object') return;
  const isList = Array.isArray(node);
  const entries: [string | number, unknown][] = isList ? node.map((v, i) => [i, v]) : Object.entries(node);
  for (const [key, value] of entries) {
    const nexts = isList
      ? [trie.children.get('[]')]
      : [
          trie.children.get(String(key)),
          key.toString().startsWith('x-') ? undefined : trie.children.get('*'),
        ];
    for (const next of nexts) {
      if (!next) continue;
      if (next.caster && typeof value === 'string') {
        castOne(node as Record<string | number, unknown>, key, value, next.caster, [...path, key], ctx);
      } else {
        walk(value, next, [...path, key], ctx);
      }
    }
  }
}

function castOne(
  container: Record<string | number, unknown>,
  key: string | number,
  value: string,
  caster: Caster,
  path: (string | number)[],
  ctx: CastContext,
): void {
  const result = caster(value);
  const origin = ctx.origins.get(container, key);
  const position = origin ? ctx.origins.sourcePosition(origin) : undefined;
  const base = { pointer: pathToPointer(path), ...(position ? { position } : { file: ctx.file }) };
  if ('error' in result) {
    ctx.issues.push({ ...base, severity: 'error', message: `${path.join('.')}: ${result.error}` });
    return;
  }
  container[key] = result.value;
  if (caster === toBoolean && YAML11_BOOLEANS.has(value.trim().toLowerCase()) && !origin?.variables?.length) {
    ctx.issues.push({
      ...base,
      severity: 'warning',
      message: `${path.join('.')}: "${value}" read as ${String(result.value)}`,
      hint: `write ${String(result.value)}: YAML 1.2 reads ${value} as a string, YAML 1.1 tools as a boolean`,
    });
  }
}
