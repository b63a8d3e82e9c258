/**
 * Merging compose documents (`-f a.yaml -f b.yaml`, and `extends`) by the Compose spec's rules plus the
 * refinements compose-go (the loader Docker Compose uses) applies, as its test cases show. Works on raw
 * documents (after interpolation, before normalisation), so a field may still be in any written form.
 * Results never share containers with the inputs, and carry the inputs' origins.
 */
import type { Origin, Origins } from './origins.js';

type Mapping = Record<string, unknown>;
type Key = string | number;
/** What makes two sequence entries "the same": the later one replaces the earlier, in its place. */
type Identity = (entry: unknown) => string;

/** A sequence entry on its way into a merged sequence. */
interface Entry {
  value: unknown;
  origin: Origin | undefined;
  /** Tagged `!reset`: removes the entries with its identity instead of adding itself. */
  reset: boolean;
  /** False for base-side entries: their nested `!override` tags have acted already. */
  keepTags: boolean;
}

/** Where a value sits in an input, so a conversion (`build: .` → `{context: .}`) keeps its origin. */
interface Slot {
  container: object;
  key: Key;
}

type Rule =
  | 'replace'
  | 'assignments'
  | 'hosts'
  | 'list'
  | 'build'
  | 'depends_on'
  | 'named'
  | 'logging'
  | 'ipam';

const RULES = compile<Rule>([
  // Shell commands: the later file states the whole command (spec, "Shell commands").
  ['services.*.command', 'replace'],
  ['services.*.entrypoint', 'replace'],
  ['services.*.healthcheck.test', 'replace'],
  // One ulimit is replaced whole: a lone `hard` must not inherit the base's `soft`.
  ['services.*.ulimits.*', 'replace'],
  // Each file resolves its own `extends` before files are merged.
  ['services.*.extends', 'replace'],
  // KEY=VALUE lists or mappings: both become lists and merge by key (compose-go returns the list form).
  ...[
    'services.*.environment',
    'services.*.labels',
    'services.*.annotations',
    'services.*.sysctls',
    'services.*.build.args',
    'services.*.build.labels',
    'services.*.build.additional_contexts',
    'services.*.deploy.labels',
    'networks.*.labels',
    'volumes.*.labels',
    'secrets.*.labels',
    'configs.*.labels',
  ].map((p) => [p, 'assignments'] as const),
  // A host may map to several addresses, so only identical `host=ip` entries collapse.
  ['services.*.extra_hosts', 'hosts'],
  ['services.*.build.extra_hosts', 'hosts'],
  // A string or a list of them.
  ...[
    'services.*.env_file',
    'services.*.label_file',
    'services.*.dns',
    'services.*.dns_opt',
    'services.*.dns_search',
    'services.*.tmpfs',
  ].map((p) => [p, 'list'] as const),
  ['services.*.build', 'build'],
  ['services.*.depends_on', 'depends_on'],
  ['services.*.networks', 'named'],
  ['services.*.models', 'named'],
  ['services.*.logging', 'logging'],
  ['networks.*.ipam.config', 'ipam'],
]);

const IDENTITIES = compile<Identity>([
  ...RULES.filter(([, rule]) => rule === 'assignments').map(([p]) => [p.join('.'), assignmentKey] as const),
  ['services.*.volumes', volumeTarget],
  ['services.*.ports', portKey],
  ['services.*.secrets', mountTarget('/run/secrets/')],
  ['services.*.configs', mountTarget('/')],
  ['services.*.devices', deviceTarget],
  ['services.*.expose', (e) => String(e)],
  ['services.*.links', (e) => (typeof e === 'string' ? (e.split(/[:=]/)[0] ?? e) : canonical(e))],
  ['services.*.env_file', filePath],
  ['services.*.label_file', filePath],
]);

/** Sequences the unicity pass also rids of exact repeats (merging never adds those anyway). */
const EXACT = compile<Identity>(
  [
    'services.*.cap_add',
    'services.*.cap_drop',
    'services.*.dns',
    'services.*.dns_opt',
    'services.*.dns_search',
    'services.*.tmpfs',
    'services.*.profiles',
    'services.*.extra_hosts',
    'services.*.build.extra_hosts',
    'services.*.build.tags',
    'services.*.build.platforms',
    'services.*.networks.*.aliases',
    'services.*.networks.*.link_local_ips',
  ].map((p) => [p, canonical] as const),
);

/** Merges `override` on top of `base` (both raw compose documents, plain JS, after interpolation, before normalisation) by the Compose spec's rules; returns a new document and never mutates the inputs. Origins are carried to the result (an overridden value's origin gets `previous` = the origin it replaced). `!reset` removes the base value; `!override` replaces it wholesale. */
export function mergeComposeDocuments(base: Mapping, override: Mapping, origins: Origins): Mapping {
  const out = new Merger(origins).mapping(base, override, []);
  const file = origins.documentFile(base) ?? origins.documentFile(override);
  if (file) origins.setDocument(out, file);
  return out;
}

/** Merges one service definition onto another by the same rules (used by `extends`: the extending service is the override). */
export function mergeServices(base: Mapping, override: Mapping, origins: Origins): Mapping {
  return new Merger(origins).mapping(base, override, ['services', '*']);
}

/** Removes duplicates the way Compose's "unicity" pass does (ports, volumes by target, environment, secrets/configs by target, etc.). */
export function enforceUnicity(doc: Mapping, origins: Origins): Mapping {
  const out = new Merger(origins).unique(doc, []) as Mapping;
  const file = origins.documentFile(doc);
  if (file) origins.setDocument(out, file);
  return out;
}

/** Drops values tagged !reset in a single document (a file with no base still must not keep them). */
export function applyResets(doc: Mapping, origins: Origins): Mapping {
  const out = new Merger(origins).clone(doc, true) as Mapping;
  const file = origins.documentFile(doc);
  if (file) origins.setDocument(out, file);
  return out;
}

class Merger {
  constructor(private readonly origins: Origins) {}

  /**
   * Deep copy carrying origins; `!reset` values are dropped. Base-side copies (`keepTags` false) lose
   * their `!override` tags: a tag acts where it is written, not again when the result is merged on.
   */
  clone(value: unknown, keepTags: boolean): unknown {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, i) => {
        if (this.tag(value, i) === 'reset') return;
        out.push(this.clone(item, keepTags));
        this.carry(out, out.length - 1, value, i, keepTags);
      });
      return out;
    }
    if (!isMapping(value)) return value;
    const out = newMapping();
    for (const [k, v] of Object.entries(value)) {
      if (this.tag(value, k) === 'reset') continue;
      out[k] = this.clone(v, keepTags);
      this.carry(out, k, value, k, keepTags);
    }
    return out;
  }

  /** Mapping merge: base keys keep their order, new keys follow. */
  mapping(base: Mapping, over: Mapping, path: readonly string[]): Mapping {
    const out = newMapping();
    const inBase = (k: string) => Object.hasOwn(base, k) && this.tag(base, k) !== 'reset';
    for (const [k, b] of Object.entries(base)) {
      if (!inBase(k)) continue;
      if (Object.hasOwn(over, k)) this.entry(out, k, base, over, path);
      else {
        out[k] = this.clone(b, false);
        this.carry(out, k, base, k, false);
      }
    }
    for (const k of Object.keys(over)) if (!inBase(k)) this.entry(out, k, undefined, over, path);
    return out;
  }

  /** Removes repeats from the sequences that must hold unique entries. */
  unique(value: unknown, path: readonly string[]): unknown {
    if (Array.isArray(value)) {
      const identity = lookup(IDENTITIES, path) ?? lookup(EXACT, path);
      return identity ? this.sequence(this.entries(value, true), [], identity) : this.clone(value, true);
    }
    if (!isMapping(value)) return value;
    const out = newMapping();
    for (const [k, v] of Object.entries(value)) {
      if (this.tag(value, k) === 'reset') continue;
      out[k] = this.unique(v, [...path, k]);
      this.carry(out, k, value, k, true);
    }
    return out;
  }

  private entry(
    out: Mapping,
    k: string,
    base: Mapping | undefined,
    over: Mapping,
    path: readonly string[],
  ): void {
    const tag = this.tag(over, k);
    if (tag === 'reset') return;
    const o = over[k];
    const replaced = base ? this.origins.get(base, k) : undefined;
    // `x-` extensions are opaque to Compose, so they are replaced, never merged.
    if (!base || tag === 'override' || k.startsWith('x-')) {
      out[k] = this.clone(o, true);
    } else if (o === null && isContainer(base[k])) {
      // An override that only names the attribute (`networks:` with nothing under it) keeps the base.
      out[k] = this.clone(base[k], false);
      this.carry(out, k, base, k, false);
      return;
    } else {
      out[k] = this.value(base[k], o, [...path, k], { container: base, key: k }, { container: over, key: k });
    }
    this.carry(out, k, over, k, true, replaced);
  }

  /** Merges two values found at `path` in both documents. */
  private value(b: unknown, o: unknown, path: string[], bs: Slot, os: Slot): unknown {
    const rule = lookup(RULES, path);
    switch (rule) {
      case 'replace':
        return this.clone(o, true);
      case 'assignments':
      case 'hosts': {
        const be = this.assignments(b, false, rule === 'hosts');
        const oe = this.assignments(o, true, rule === 'hosts');
        if (be && oe) return this.sequence(be, oe, lookup(IDENTITIES, path) ?? canonical);
        break;
      }
      case 'list': {
        const be = this.listEntries(b, bs, false);
        const oe = this.listEntries(o, os, true);
        if (be && oe) return this.sequence(be, oe, lookup(IDENTITIES, path) ?? canonical);
        break;
      }
      case 'build': {
        if (typeof b === 'string' && typeof o === 'string') return o;
        const bm = this.wrap(b, bs, 'context');
        const om = this.wrap(o, os, 'context');
        if (bm && om) return this.mapping(bm, om, path);
        break;
      }
      case 'depends_on': {
        const bm = this.named(b, () => dependency());
        // A name the override lists again keeps the base's condition rather than the list-form default.
        const om = this.named(o, () => dependency(), bm);
        if (bm && om) return this.mapping(bm, om, path);
        break;
      }
      case 'named': {
        const bm = this.named(b, () => null);
        const om = this.named(o, () => null);
        if (bm && om) return this.mapping(bm, om, path);
        break;
      }
      case 'logging':
        // Options belong to a driver: a different driver brings its own options, none of the base's.
        if (isMapping(b) && isMapping(o) && 'driver' in b && 'driver' in o && b.driver !== o.driver) {
          return this.clone(o, true);
        }
        break;
      case 'ipam':
        // One IPAM config per subnet: configs for the same subnet merge, others are appended.
        if (Array.isArray(b) && Array.isArray(o)) {
          return this.sequence(this.entries(b, false), this.entries(o, true), subnet, (x, y) =>
            isMapping(x) && isMapping(y) ? this.mapping(x, y, [...path, '*']) : y,
          );
        }
        break;
    }
    if (isMapping(b) && isMapping(o)) return this.mapping(b, o, path);
    if (Array.isArray(b) && Array.isArray(o)) {
      return this.sequence(
        this.entries(b, false),
        this.entries(o, true),
        lookup(IDENTITIES, path) ?? canonical,
      );
    }
    return this.clone(o, true);
  }

  /**
   * Appends `over` to `base`; an entry whose identity is already there takes the earlier entry's
   * place (or is merged into it by `combine`). Generic sequences use the whole value as identity,
   * so a repeated entry is dropped: it never means more than one, and re-merging stays idempotent.
   */
  private sequence(
    base: Entry[],
    over: Entry[],
    identity: Identity,
    combine?: (a: unknown, b: unknown) => unknown,
  ): unknown[] {
    const slots: (Entry | undefined)[] = [];
    const at = new Map<string, number>();
    const put = (e: Entry, fromOverride: boolean) => {
      const id = identity(e.value);
      const i = at.get(id);
      if (e.reset) {
        if (fromOverride && i !== undefined) slots[i] = undefined;
        if (fromOverride) at.delete(id);
        return;
      }
      const prev = i === undefined ? undefined : slots[i];
      if (i === undefined || !prev) {
        at.set(id, slots.length);
        slots.push(e);
        return;
      }
      const value = combine ? combine(prev.value, e.value) : e.value;
      slots[i] = { value, origin: withPrevious(e.origin, prev.origin), reset: false, keepTags: e.keepTags };
    };
    for (const e of base) put(e, false);
    for (const e of over) put(e, true);
    const out: unknown[] = [];
    for (const e of slots) {
      if (!e) continue;
      out.push(this.clone(e.value, e.keepTags));
      if (e.origin) this.origins.set(out, out.length - 1, e.origin);
    }
    return out;
  }

  private entries(list: unknown[], keepTags: boolean): Entry[] {
    return list.map((value, i) => ({
      value,
      origin: this.originOf(list, i, keepTags),
      reset: this.tag(list, i) === 'reset',
      keepTags,
    }));
  }

  /** A string or a list of them, as entries. */
  private listEntries(value: unknown, slot: Slot, keepTags: boolean): Entry[] | undefined {
    if (Array.isArray(value)) return this.entries(value, keepTags);
    if (value === null) return [];
    if (isMapping(value)) return undefined;
    return [{ value, origin: this.originOf(slot.container, slot.key, keepTags), reset: false, keepTags }];
  }

  /** A `KEY=VALUE` list, or a mapping turned into one (keys sorted, `KEY` alone for a null value). */
  private assignments(value: unknown, keepTags: boolean, hosts: boolean): Entry[] | undefined {
    if (Array.isArray(value)) return this.entries(value, keepTags);
    if (value === null) return [];
    if (!isMapping(value)) return undefined;
    const out: Entry[] = [];
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      const origin = this.originOf(value, k, keepTags);
      const reset = this.tag(value, k) === 'reset';
      // extra_hosts may give one host several addresses: `host: [ip1, ip2]`.
      const values = hosts && Array.isArray(v) ? v : [v];
      for (const x of values)
        out.push({ value: x === null || x === undefined ? k : `${k}=${text(x)}`, origin, reset, keepTags });
    }
    return out;
  }

  /** `build: .` as `{context: .}`; a mapping as itself. */
  private wrap(value: unknown, slot: Slot, key: string): Mapping | undefined {
    if (isMapping(value)) return value;
    if (typeof value !== 'string') return undefined;
    const out = newMapping();
    out[key] = value;
    this.origins.copy(out, key, slot.container, slot.key);
    return out;
  }

  /** A list of names as a mapping `name → fill()`; names already in `known` are left out. */
  private named(value: unknown, fill: () => unknown, known?: Mapping): Mapping | undefined {
    if (isMapping(value)) return value;
    if (value === null) return newMapping();
    if (!Array.isArray(value)) return undefined;
    const out = newMapping();
    value.forEach((item, i) => {
      const name = String(item);
      if (known && Object.hasOwn(known, name) && this.tag(value, i) !== 'reset') return;
      out[name] = fill();
      this.origins.copy(out, name, value, i);
    });
    return out;
  }

  private tag(container: object, key: Key): Origin['tag'] {
    return this.origins.get(container, key)?.tag;
  }

  private originOf(container: object, key: Key, keepTags: boolean): Origin | undefined {
    const origin = this.origins.get(container, key);
    if (keepTags || !origin?.tag) return origin;
    const { tag: _tag, ...rest } = origin;
    return rest;
  }

  /** Sets the origin of `dst[dk]` from `src[sk]`, `replaced` becoming its `previous`. */
  private carry(dst: object, dk: Key, src: object, sk: Key, keepTags: boolean, replaced?: Origin): void {
    const origin = withPrevious(this.originOf(src, sk, keepTags), replaced);
    if (origin) this.origins.set(dst, dk, origin);
  }
}

type Table<T> = ReadonlyArray<readonly [readonly string[], T]>;

function compile<T>(rows: ReadonlyArray<readonly [string, T]>): Table<T> {
  return rows.map(([pattern, value]) => [pattern.split('.'), value] as const);
}

/** The value of the first row whose pattern (`*` matching any one key) is exactly `path`. */
function lookup<T>(table: Table<T>, path: readonly string[]): T | undefined {
  for (const [pattern, value] of table) {
    if (pattern.length === path.length && pattern.every((seg, i) => seg === '*' || seg === path[i]))
      return value;
  }
  return undefined;
}

function withPrevious(origin: Origin | undefined, replaced: Origin | undefined): Origin | undefined {
  return origin && replaced && replaced !== origin ? { ...origin, previous: replaced } : origin;
}

function dependency(): Mapping {
  const out = newMapping();
  out.condition = 'service_started';
  out.required = true;
  return out;
}

/** Null-prototype, like the parser's mappings: keys such as `__proto__` stay plain keys. */
function newMapping(): Mapping {
  return Object.create(null) as Mapping;
}

function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : isContainer(value) ? canonical(value) : String(value);
}

/** A stable text of a value: mapping keys sorted, `1` and `"1"` distinct. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isMapping(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `KEY=VALUE` and `KEY` are identified by KEY. */
function assignmentKey(entry: unknown): string {
  const s = text(entry);
  const eq = s.indexOf('=');
  return eq < 0 ? s : s.slice(0, eq);
}

function filePath(entry: unknown): string {
  return isMapping(entry) ? text(entry.path) : text(entry);
}

function subnet(entry: unknown): string {
  return isMapping(entry) && typeof entry.subnet === 'string' ? `subnet ${entry.subnet}` : canonical(entry);
}

/** Secrets and configs are identified by where they are mounted; `prefix` is the default directory. */
function mountTarget(prefix: string): Identity {
  return (entry) => {
    if (typeof entry === 'string') return prefix + entry;
    if (!isMapping(entry)) return canonical(entry);
    const target = entry.target;
    if (typeof target === 'string') return target.startsWith('/') ? target : prefix + target;
    return prefix + text(entry.source);
  };
}

/** Devices are identified by their path in the container: `host[:container[:permissions]]`. */
function deviceTarget(entry: unknown): string {
  if (isMapping(entry)) return text(entry.target ?? entry.source);
  const parts = text(entry).split(':');
  return parts[1] || parts[0] || '';
}

/** Volumes are identified by target: `[source:]target[:mode]`, or the long form's `target`. */
function volumeTarget(entry: unknown): string {
  if (isMapping(entry)) return text(entry.target);
  const parts = splitVolume(text(entry));
  if (parts.length === 1) return parts[0] ?? '';
  if (parts.length === 2 && !isAbsolute(parts[1] ?? '')) return parts[0] ?? ''; // `/data:ro`
  return parts[1] ?? '';
}

/** Splits a short volume on `:`, keeping a Windows drive (`C:\x`, or `C:/x` when a target follows) whole. */
function splitVolume(spec: string): string[] {
  const raw = spec.split(':');
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i] ?? '';
    const next = raw[i + 1];
    // `c:/c` is volume `c` at `/c` on Linux; `C:/data:/data` is drive C.
    const drive =
      /^[a-zA-Z]$/.test(part) &&
      next !== undefined &&
      (next.startsWith('\\') || (next.startsWith('/') && isAbsolute(raw[i + 2] ?? '')));
    if (drive) {
      out.push(`${part}:${next}`);
      i++;
    } else out.push(part);
  }
  return out;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:[\\/]/.test(path);
}

/** Ports are identified by {host ip, published, target, protocol}, in short or long form. */
function portKey(entry: unknown): string {
  if (isMapping(entry)) {
    const ip = entry.host_ip ?? '';
    const published = entry.published ?? '';
    return `${text(ip)}|${text(published)}|${text(entry.target)}|${text(entry.protocol ?? 'tcp')}`;
  }
  let spec = text(entry);
  let protocol = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) {
    protocol = spec.slice(slash + 1) || 'tcp';
    spec = spec.slice(0, slash);
  }
  let ip = '';
  if (spec.startsWith('[')) {
    // `[::1]:8080:80`: an IPv6 host address holds colons of its own.
    const end = spec.indexOf(']');
    ip = spec.slice(1, end);
    spec = spec.slice(end + 1).replace(/^:/, '');
  }
  const parts = spec.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop() ?? '';
  if (parts.length > 0) ip = parts.join(':');
  return `${ip}|${published}|${target}|${protocol}`;
}
