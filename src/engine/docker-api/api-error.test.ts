import { describe, expect, it } from 'vitest';
import { ConflictError, EngineConnectionError, EngineError, NotFoundError } from '../engine.js';
import { connectionError, errorFromStatus, messageFromBody } from './api-error.js';
import { negotiateApiVersion } from './api-version.js';

const op = { operation: 'start container', resource: 'web-1' };

describe('engine errors', () => {
  it('maps statuses to typed errors with the engine message', () => {
    const nf = errorFromStatus(404, '{"message":"No such container: web-1"}', op);
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.message).toBe('start container web-1: No such container: web-1');
    expect(errorFromStatus(409, '{"message":"in use"}', op)).toBeInstanceOf(ConflictError);
    expect(
      errorFromStatus(500, '{"message":"the container name \\"x\\" is already in use by 93ba"}', op),
    ).toBeInstanceOf(ConflictError);
    const server = errorFromStatus(500, 'plain\ntext', op);
    expect(server).toBeInstanceOf(EngineError);
    expect(server).toMatchObject({
      code: 'ENGINE_FAILED',
      status: 500,
      message: 'start container web-1: plain; text',
    });
    expect(errorFromStatus(400, '', op)).toMatchObject({
      code: 'ENGINE_BAD_REQUEST',
      message: 'start container web-1: HTTP 400',
    });
    expect(errorFromStatus(401, '{"message":"x"}', op).hint).toMatch(/login/);
    expect(messageFromBody('x'.repeat(600))).toHaveLength(501);
  });

  it('names the endpoint when the connection fails', () => {
    const error = connectionError(
      'unix:///nope.sock',
      Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }),
    );
    expect(error).toBeInstanceOf(EngineConnectionError);
    expect(error.message).toBe('cannot connect to the engine at unix:///nope.sock: no socket there');
    expect(error.hint).toBeDefined();
  });

  it('negotiates min(server, newest known) and refuses below 1.41', () => {
    expect(negotiateApiVersion('1.41', 'e')).toBe('1.41');
    expect(negotiateApiVersion('1.43', 'e')).toBe('1.43');
    expect(negotiateApiVersion('1.50', 'e')).toBe('1.45');
    expect(() => negotiateApiVersion('1.40', 'unix:///x')).toThrow(/speaks API 1.40; dev needs 1.41/);
  });
});
