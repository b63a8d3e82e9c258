/**
 * A minimal DNS client for A records over UDP: enough to see that aardvark-dns answers a
 * name after a reload, without spawning a tool.
 */

import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';

export interface QueryAOptions {
  server: string;
  port?: number;
  name: string;
  timeoutMs: number;
}

/** The A records for `name`, [] for an answer without any, undefined on timeout or a bad reply. */
export function queryA(options: QueryAOptions): Promise<string[] | undefined> {
  const id = randomInt(0, 0xffff);
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (value: string[] | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), options.timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (message) => {
      if (message.length >= 12 && message.readUInt16BE(0) === id) done(parseAnswers(message));
    });
    socket.send(buildQuery(id, options.name), options.port ?? 53, options.server);
  });
}

function buildQuery(id: number, name: string): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4); // one question
  const labels = name
    .split('.')
    .filter(Boolean)
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

function parseAnswers(message: Buffer): string[] | undefined {
  const rcode = message.readUInt8(3) & 0x0f;
  if (rcode !== 0) return [];
  const questions = message.readUInt16BE(4);
  const answers = message.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = skipName(message, offset) + 4;
  const addresses: string[] = [];
  for (let i = 0; i < answers; i++) {
    offset = skipName(message, offset);
    if (offset + 10 > message.length) return undefined;
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 8);
    offset += 10;
    if (type === 1 && length === 4) addresses.push([...message.subarray(offset, offset + 4)].join('.'));
    offset += length;
  }
  return addresses;
}

function skipName(message: Buffer, start: number): number {
  let offset = start;
  while (offset < message.length) {
    const length = message.readUInt8(offset);
    if (length === 0) return offset + 1;
    if ((length & 0xc0) === 0xc0) return offset + 2; // compression pointer ends the name
    offset += length + 1;
  }
  return offset;
}
