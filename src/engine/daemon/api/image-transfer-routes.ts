/**
 * Images in and out: POST /images/create (pull with `fromImage`, import with `fromSrc`), POST
 * /images/{name}/push, POST /images/load, GET /images/get and /images/{name}/get (save). Each
 * streams Docker's JSON messages (or the tar) and publishes the image event dockerd does.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { DaemonContext } from '../daemon-context.js';
import { parsePlatform } from '../images/platform.js';
import { progressMessage, throttled } from '../images/progress.js';
import { familiarName, familiarString, parseReference } from '../images/reference.js';
import { ApiError, badRequest } from './api-error.js';
import { queryBool } from './http-io.js';
import { type ProgressStream, progressStream } from './progress-stream.js';
import type { Router } from './router.js';

/** Registers pull, import, push, load and save. */
export function registerImageTransferRoutes(router: Router, ctx: DaemonContext): void {
  router.on('POST', '/images/create', async ({ req, res, query }) => {
    const fromImage = query.get('fromImage');
    const fromSrc = query.get('fromSrc');
    if (fromImage) await pull(ctx, { req, res, query, fromImage });
    else if (fromSrc) await importImage(ctx, { req, res, query, fromSrc });
    else throw badRequest('either fromImage or fromSrc is required');
  });

  router.on('POST', '/images/{name*}/push', async ({ req, res, params, query }) => {
    const name = params.name ?? '';
    const tag = query.get('tag');
    const reference = tag ? `${name}:${tag}` : name;
    // a missing tag is a 404 before any output, as dockerd answers it
    if (tag) ctx.images.resolve(reference);
    const out = progressStream(res);
    try {
      const pushed = await ctx.images.push({
        reference,
        registryAuth: header(req, 'x-registry-auth'),
        onProgress: out.write,
        signal: out.signal,
      });
      const ref = parseReference(name, { defaultTag: false });
      for (const p of pushed)
        ctx.events.publish('image', 'push', familiarString({ ...ref, tag: p.tag }), {
          name: familiarName(ref),
        });
    } catch (error) {
      out.fail(error);
      return;
    }
    out.end();
  });

  router.on('POST', '/images/load', async ({ req, res, query }) => {
    const quiet = queryBool(query, 'quiet');
    const out = progressStream(res);
    try {
      const result = await ctx.images.load({
        source: req,
        ...(quiet ? {} : { onProgress: throttledSink(out) }),
      });
      for (const message of result.messages) out.write({ stream: `${message}\n` });
      for (const image of result.images) ctx.events.publish('image', 'load', image.id, { name: image.id });
    } catch (error) {
      out.fail(error);
      return;
    }
    out.end();
  });

  router.on('GET', '/images/get', async ({ res, query }) => {
    await save(ctx, res, query.getAll('names'));
  });

  router.on('GET', '/images/{name*}/get', async ({ res, params }) => {
    await save(ctx, res, [params.name ?? '']);
  });
}

interface CreateRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
}

async function pull(ctx: DaemonContext, o: CreateRequest & { fromImage: string }): Promise<void> {
  const reference = pullReference(o.fromImage, o.query.get('tag') ?? '');
  const platformText = o.query.get('platform');
  o.req.resume();
  const out = progressStream(o.res);
  // dockerd says "Pulling from" only once the manifest is there, so a missing image or refused
  // credentials are an HTTP error the client can tell apart: hold the first line back till then.
  let held: object | undefined;
  let first = true;
  const write = (message: object) => {
    if (first) {
      first = false;
      held = message;
      return;
    }
    if (held) out.write(held);
    held = undefined;
    out.write(message);
  };
  try {
    const result = await ctx.images.pull({
      reference,
      registryAuth: header(o.req, 'x-registry-auth'),
      ...(platformText ? { platform: parsePlatform(platformText) } : {}),
      onProgress: write,
      signal: out.signal,
    });
    if (held) out.write(held);
    const ref = parseReference(result.reference);
    ctx.events.publish('image', 'pull', familiarString(ref), { name: familiarName(ref) });
  } catch (error) {
    out.fail(error);
    return;
  }
  out.end();
}

/**
 * `fromImage` and `tag` as one reference: the tag may be a digest, or already be in `fromImage`.
 * Neither means every tag (`docker pull -a`), which the bundled engine refuses rather than
 * pulling only `latest`.
 */
export function pullReference(fromImage: string, tag: string): string {
  const ref = parseReference(fromImage, { defaultTag: false });
  if (ref.tag || ref.digest) return fromImage;
  if (!tag)
    throw new ApiError(
      501,
      `pulling every tag of ${fromImage} is not supported by the bundled engine; pull the tags you need by name`,
    );
  return /^[a-z0-9]+:[a-f0-9]{32,}$/i.test(tag) ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}

async function importImage(ctx: DaemonContext, o: CreateRequest & { fromSrc: string }): Promise<void> {
  const repo = o.query.get('repo');
  const tag = o.query.get('tag');
  const reference = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
  const out = progressStream(o.res);
  try {
    let source: AsyncIterable<Buffer | Uint8Array> = o.req;
    let onProgress: ((bytes: number) => void) | undefined;
    if (o.fromSrc !== '-') {
      o.req.resume();
      const url = o.fromSrc.includes('://') ? o.fromSrc : `http://${o.fromSrc}`;
      const response = await fetch(url, { signal: out.signal });
      if (!response.ok || !response.body)
        throw badRequest(`downloading ${url} failed: ${response.status} ${response.statusText}`);
      const total = Number(response.headers.get('content-length') ?? '') || undefined;
      out.write({ status: `Downloading from ${url}` });
      source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      onProgress = throttled((bytes: number) => out.write(progressMessage('', 'Importing', bytes, total)));
    }
    const result = await ctx.images.import({
      source,
      changes: o.query.getAll('changes'),
      message: o.query.get('message') ?? '',
      sourceName: o.fromSrc,
      ...(reference ? { reference } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    out.write({ status: result.image.id });
    ctx.events.publish('image', 'import', result.image.id, { name: result.image.id });
  } catch (error) {
    out.fail(error);
    return;
  }
  out.end();
}

/** The tar of `docker save`; unknown names are a 404 before anything is sent. */
async function save(ctx: DaemonContext, res: ServerResponse, names: string[]): Promise<void> {
  if (names.length === 0) throw badRequest('no image names given to save');
  const chunks = ctx.images.save(names);
  let next = await chunks.next();
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  while (!next.done && !gone) {
    if (!res.write(next.value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    next = await chunks.next();
  }
  if (gone) {
    await chunks.return(undefined);
    return;
  }
  res.end();
  for (const name of names) {
    try {
      const id = ctx.images.resolve(name);
      ctx.events.publish('image', 'save', id, { name: id });
    } catch {
      // a repository name saves all its tags and resolves to none of them alone
    }
  }
}

/** Load progress at most a few times a second per layer: a layer is thousands of chunks. */
function throttledSink(out: ProgressStream): (message: object) => void {
  let last = 0;
  return (message) => {
    const detail = (message as { progressDetail?: { current?: number; total?: number } }).progressDetail;
    const now = Date.now();
    const final = detail?.total !== undefined && detail.current === detail.total;
    if (!final && now - last < 100) return;
    last = now;
    out.write(message);
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
