/**
 * A streaming tar reader (ustar, GNU long names, PAX) that also hands every byte that is not
 * a file payload to `onRaw`, in order: with the payloads this is the whole stream, which is
 * what lets a layer's tar be rebuilt byte for byte from its unpacked directory (tar-split.ts).
 */
import { ByteQueue } from './byte-queue.js';
import { ImageError } from './errors.js';

export type TarEntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'char'
  | 'block'
  | 'directory'
  | 'fifo'
  | 'other';

/** One entry's header, with PAX and GNU long-name records already applied. */
export interface TarHeader {
  name: string;
  type: TarEntryType;
  /** The raw typeflag character, for `other` entries. */
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch; fractional when a PAX record says so. */
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from `SCHILY.xattr.*` PAX records. */
  xattrs: Map<string, Buffer>;
}

/** A header and its payload; read the body fully or not at all (unread bytes go to onRaw). */
export interface TarEntry {
  header: TarHeader;
  body: AsyncIterable<Buffer>;
}

export interface ReadTarOptions {
  /** Receives every byte that is not delivered through an entry's body, in stream order. */
  onRaw?: (bytes: Buffer) => void;
}

const BLOCK = 512;

/** Reads entries from a tar stream; throws ImageError IMAGE_ARCHIVE_INVALID on a malformed stream. */
export async function* readTar(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadTarOptions = {},
): AsyncGenerator<TarEntry> {
  const queue = new ByteQueue(source[Symbol.asyncIterator]());
  const raw = options.onRaw ?? (() => {});
  let pax = new Map<string, Buffer>();
  const globalPax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    if (!(await queue.ensure(BLOCK))) {
      if (queue.length > 0) throw invalid('unexpected end of tar archive');
      return; // a stream with no end marker: accepted, as GNU tar does
    }
    const block = queue.take(BLOCK);
    raw(block);
    if (isZeroBlock(block)) {
      // End of archive: whatever follows (more zero blocks, padding) belongs to the stream too.
      for (;;) {
        if (!(await queue.ensure(1))) return;
        raw(queue.takeUpTo(Number.MAX_SAFE_INTEGER));
      }
    }
    verifyChecksum(block);
    const typeflag = String.fromCharCode(block[156] ?? 0);
    let size = readNumber(block, 124, 12);
    const extended = pax.get('size') ?? globalPax.get('size');
    if (extended !== undefined && typeflag !== 'x' && typeflag !== 'g') size = Number(extended.toString());
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      const data = await readMeta(queue, size, raw);
      if (typeflag === 'x') pax = parsePax(data);
      else if (typeflag === 'g') for (const [k, v] of parsePax(data)) globalPax.set(k, v);
      else if (typeflag === 'L') longName = cString(data);
      else longLink = cString(data);
      continue;
    }
    const header = parseHeader(block, typeflag, size, { pax, globalPax, longName, longLink });
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    let remaining = header.size;
    const body = (async function* () {
      while (remaining > 0) {
        if (!(await queue.ensure(1))) throw invalid(`unexpected end of tar archive in ${header.name}`);
        const chunk = queue.takeUpTo(remaining);
        remaining -= chunk.length;
        yield chunk;
      }
    })();
    yield { header, body };
    while (remaining > 0) {
      if (!(await queue.ensure(1))) throw invalid(`unexpected end of tar archive in ${header.name}`);
      const chunk = queue.takeUpTo(remaining);
      remaining -= chunk.length;
      raw(chunk);
    }
    await skipPadding(queue, header.size, raw);
  }
}

async function readMeta(queue: ByteQueue, size: number, raw: (b: Buffer) => void): Promise<Buffer> {
  if (size > 16 * 1024 * 1024) throw invalid('tar metadata record larger than 16 MiB');
  if (!(await queue.ensure(size))) throw invalid('unexpected end of tar archive in a metadata record');
  const data = queue.take(size);
  raw(data);
  await skipPadding(queue, size, raw);
  return data;
}

async function skipPadding(queue: ByteQueue, size: number, raw: (b: Buffer) => void): Promise<void> {
  const padding = (BLOCK - (size % BLOCK)) % BLOCK;
  if (padding === 0) return;
  if (!(await queue.ensure(padding))) throw invalid('unexpected end of tar archive in padding');
  raw(queue.take(padding));
}

interface Extensions {
  pax: Map<string, Buffer>;
  globalPax: Map<string, Buffer>;
  longName: string | undefined;
  longLink: string | undefined;
}

function parseHeader(block: Buffer, typeflag: string, size: number, ext: Extensions): TarHeader {
  const get = (key: string) => ext.pax.get(key) ?? ext.globalPax.get(key);
  const magic = block.toString('latin1', 257, 263);
  let name = cString(block.subarray(0, 100));
  if (magic === 'ustar\0') {
    const prefix = cString(block.subarray(345, 500));
    if (prefix) name = `${prefix}/${name}`;
  }
  name = get('path')?.toString() ?? ext.longName ?? name;
  const linkname = get('linkpath')?.toString() ?? ext.longLink ?? cString(block.subarray(157, 257));
  if (get('GNU.sparse.major') || get('GNU.sparse.size') || typeflag === 'S') {
    throw new ImageError('IMAGE_UNSUPPORTED', `sparse tar entry ${JSON.stringify(name)} is not supported`, {
      hint: 'rebuild the archive without --sparse',
    });
  }
  const xattrs = new Map<string, Buffer>();
  for (const [key, value] of [...ext.globalPax, ...ext.pax]) {
    if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice(13), value);
  }
  let type = typeOf(typeflag);
  if (type === 'file' && (typeflag === '\0' || typeflag === '0') && name.endsWith('/')) type = 'directory';
  const num = (key: string, offset: number, length: number) => {
    const value = get(key);
    return value === undefined ? readNumber(block, offset, length) : Number(value.toString());
  };
  return {
    name,
    type,
    typeflag,
    size: type === 'directory' || type === 'symlink' || type === 'hardlink' ? 0 : size,
    mode: readNumber(block, 100, 8) & 0o7777,
    uid: num('uid', 108, 8),
    gid: num('gid', 116, 8),
    mtime: num('mtime', 136, 12),
    linkname,
    uname: get('uname')?.toString() ?? cString(block.subarray(265, 297)),
    gname: get('gname')?.toString() ?? cString(block.subarray(297, 329)),
    devmajor: readNumber(block, 329, 8),
    devminor: readNumber(block, 337, 8),
    xattrs,
  };
}

function typeOf(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'directory';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

/** PAX records: `<length> <key>=<value>\n`, values kept as bytes (xattr values are binary). */
function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length)
      throw invalid('bad PAX record');
    const record = data.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals < 0) throw invalid('bad PAX record');
    out.set(record.toString('utf8', 0, equals), Buffer.from(record.subarray(equals + 1)));
    at += length;
  }
  return out;
}

function readNumber(block: Buffer, offset: number, length: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian, the top bit of the first byte is the marker.
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    return value;
  }
  const text = block
    .toString('latin1', offset, offset + length)
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (text === '') return 0;
  const value = Number.parseInt(text, 8);
  if (Number.isNaN(value)) throw invalid(`bad number ${JSON.stringify(text)} in a tar header`);
  return value;
}

function verifyChecksum(block: Buffer): void {
  const stored = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) throw invalid('bad tar header checksum (not a tar stream?)');
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
}

function invalid(message: string): ImageError {
  return new ImageError('IMAGE_ARCHIVE_INVALID', message, { hint: 'the tar stream is corrupt or truncated' });
}
