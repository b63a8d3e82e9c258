import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../engine.js';
import { EngineError } from '../engine.js';
import { followProgress, JsonSplitter, readJsonStream } from './json-stream.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

describe('JSON streams', () => {
  it('splits objects across chunks, lines and back-to-back', async () => {
    const out: unknown[] = [];
    for await (const v of readJsonStream(
      chunks('{"a":1}\r\n{"b":"x}', '{"}\n', '{"c":[1,{"d":2}]}{"e":"\\"}"}'),
    ))
      out.push(v);
    expect(out).toEqual([{ a: 1 }, { b: 'x}{' }, { c: [1, { d: 2 }] }, { e: '"}' }]);
  });

  it('refuses a truncated message at the end', async () => {
    const splitter = new JsonSplitter();
    expect(splitter.push('{"a":')).toEqual([]);
    expect(() => splitter.end()).toThrow(/truncated/);
  });

  it('reports progress and returns aux payloads', async () => {
    const events: ProgressEvent[] = [];
    const aux = await followProgress(
      chunks(
        '{"status":"Pulling fs layer","id":"abc"}\n',
        '{"status":"Downloading","id":"abc","progressDetail":{"current":5,"total":10}}\n',
        '{"stream":"Step 1/2 : FROM x\\n"}\n{"stream":"\\n"}\n{"aux":{"ID":"sha256:1"}}\n',
      ),
      { operation: 'pull image', resource: 'x' },
      (e) => events.push(e),
    );
    expect(events).toEqual([
      { status: 'Pulling fs layer', id: 'abc' },
      { status: 'Downloading', id: 'abc', current: 5, total: 10 },
      { status: 'Step 1/2 : FROM x' },
    ]);
    expect(aux).toEqual([{ ID: 'sha256:1' }]);
  });

  it('fails on errorDetail or error, with a one-line message', async () => {
    const failing = followProgress(
      chunks(
        '{"status":"x"}\n{"errorDetail":{"message":"manifest unknown\\nreally"},"error":"manifest unknown"}\n',
      ),
      { operation: 'pull image', resource: 'nginx:nope' },
    );
    await expect(failing).rejects.toBeInstanceOf(EngineError);
    await expect(failing).rejects.toMatchObject({
      code: 'ENGINE_STREAM_FAILED',
      message: 'pull image nginx:nope: manifest unknown; really',
    });
    await expect(
      followProgress(chunks('{"error":"boom"}'), { operation: 'push image', resource: 'y' }),
    ).rejects.toThrow('push image y: boom');
  });
});
