/**
 * Tar headers for the archives and layers the store writes: ustar, with a PAX record in front
 * when a name, link, number or xattr does not fit ustar's fields.
 */
import type { TarEntryType } from './tar-reader.js';

/** What one entry's header says; size is the payload length that must follow it. */
export interface TarWriteEntry {
  name: string;
  type: Exclude<TarEntryType, 'other'>;
  size?: number;
  mode: number;
  uid?: number;
  gid?: number;
  /** Whole seconds since the epoch. */
  mtime?: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

const BLOCK = 512;
const FLAGS: Record<TarWriteEntry['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

/** The two zero blocks that end an archive. */
export const TAR_END: Buffer = Buffer.alloc(BLOCK * 2);

/** Zero bytes that pad a payload of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header block(s) of one entry: a PAX extended header first when needed, then ustar. */
export function encodeTarHeader(entry: TarWriteEntry): Buffer {
  const size = entry.size ?? 0;
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  const linkname = entry.linkname ?? '';
  const records: [string, Buffer][] = [];
  const split = splitName(entry.name);
  if (!split) records.push(['path', Buffer.from(entry.name)]);
  if (!fitsAscii(linkname, 100)) records.push(['linkpath', Buffer.from(linkname)]);
  if (size > 0o77777777777) records.push(['size', Buffer.from(String(size))]);
  if (uid > 0o7777777) records.push(['uid', Buffer.from(String(uid))]);
  if (gid > 0o7777777) records.push(['gid', Buffer.from(String(gid))]);
  for (const [key, value] of entry.xattrs ?? []) records.push([`SCHILY.xattr.${key}`, value]);
  const ustar = ustarBlock({
    name: split?.name ?? asciiPrefix(entry.name, 100),
    prefix: split?.prefix ?? '',
    mode: entry.mode,
    uid: Math.min(uid, 0o7777777),
    gid: Math.min(gid, 0o7777777),
    size: size > 0o77777777777 ? 0 : size,
    mtime: Math.max(0, Math.floor(entry.mtime ?? 0)),
    typeflag: FLAGS[entry.type],
    linkname: fitsAscii(linkname, 100) ? linkname : asciiPrefix(linkname, 100),
    uname: entry.uname ?? '',
    gname: entry.gname ?? '',
    devmajor: entry.devmajor ?? 0,
    devminor: entry.devminor ?? 0,
  });
  if (records.length === 0) return ustar;
  const data = Buffer.concat(records.map(([key, value]) => paxRecord(key, value)));
  const paxHeader = ustarBlock({
    name: asciiPrefix(`PaxHeaders.0/${entry.name.split('/').filter(Boolean).pop() ?? 'entry'}`, 100),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime: 0,
    typeflag: 'x',
    linkname: '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, data, tarPadding(data.length), ustar]);
}

interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

function ustarBlock(f: UstarFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(f.name, 0, 100, 'utf8');
  octal(block, 100, 8, f.mode & 0o7777);
  octal(block, 108, 8, f.uid);
  octal(block, 116, 8, f.gid);
  octal(block, 124, 12, f.size);
  octal(block, 136, 12, f.mtime);
  block.write(f.typeflag, 156, 1, 'latin1');
  block.write(f.linkname, 157, 100, 'utf8');
  block.write('ustar\x0000', 257, 8, 'latin1');
  block.write(asciiPrefix(f.uname, 32), 265, 32, 'utf8');
  block.write(asciiPrefix(f.gname, 32), 297, 32, 'utf8');
  octal(block, 329, 8, f.devmajor);
  octal(block, 337, 8, f.devminor);
  block.write(f.prefix, 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i] ?? 0;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

/** `<length> <key>=<value>\n`, where length counts the whole record, its own digits included. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(key) + value.length + 3;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

/** Splits a name into ustar's prefix and name fields; undefined when it cannot (PAX needed). */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (fitsAscii(name, 100)) return { prefix: '', name };
  if (!fitsAscii(name, 256)) return undefined;
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  return undefined;
}

function fitsAscii(value: string, max: number): boolean {
  return value.length <= max && /^[\x20-\x7e]*$/.test(value);
}

function asciiPrefix(value: string, max: number): string {
  return value.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}
