import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../src/api/dispatcher';
import type { ServerMessage } from '../../src/api/protocol';

function harness(overrides: Partial<Handlers>) {
  const sent: ServerMessage[] = [];
  const d = createDispatcher(overrides as Handlers, (m) => sent.push(m));
  const settled = (id: number) =>
    new Promise<ServerMessage>((resolve) => {
      const poll = () => {
        const m = sent.find((x) => x.id === id && (x.type === 'result' || x.type === 'error'));
        if (m) resolve(m);
        else setTimeout(poll, 5);
      };
      poll();
    });
  return { d, sent, settled };
}

describe('dispatcher', () => {
  it('refuses unknown methods and invalid params before any handler runs', async () => {
    let ran = false;
    const { d, settled } = harness({ 'connections/get': async () => ((ran = true), {} as never) });
    d.handle({ type: 'call', id: 1, method: 'fs/readFile', params: {} });
    d.handle({ type: 'call', id: 2, method: 'connections/get', params: { connectionId: 42 } });
    expect(await settled(1)).toMatchObject({ type: 'error', error: { code: 'invalid_input', message: 'Unknown API method "fs/readFile"' } });
    expect(await settled(2)).toMatchObject({ type: 'error', error: { code: 'invalid_input', message: expect.stringMatching(/^connectionId: /) } });
    expect(ran).toBe(false);
  });

  it('ignores messages that are not protocol messages', () => {
    const { d, sent } = harness({});
    d.handle('hello');
    d.handle({ type: 'call', id: 'x' });
    expect(sent).toEqual([]);
  });

  it('streams batches and progress, then the result', async () => {
    const { d, sent, settled } = harness({
      'records/read': async (_p, ctx) => {
        ctx.progress({ done: 0, total: 2, exact: true });
        ctx.batch([{ fake: 1 } as never, { fake: 2 } as never]);
        return { count: 2, next: null, end: '2' };
      },
    });
    d.handle({ type: 'call', id: 7, method: 'records/read', params: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, limit: 2 } });
    expect(await settled(7)).toEqual({ type: 'result', id: 7, result: { count: 2, next: null, end: '2' } });
    expect(sent.map((m) => m.type)).toEqual(['progress', 'batch', 'result']);
  });

  it('answers a cancel at once, even if the handler ignores its signal', async () => {
    const { d, settled } = harness({ 'connections/list': () => new Promise(() => undefined) });
    d.handle({ type: 'call', id: 3, method: 'connections/list', params: {} });
    d.handle({ type: 'cancel', id: 3 });
    expect(await settled(3)).toEqual({ type: 'error', id: 3, error: { code: 'cancelled', message: 'Cancelled' } });
  });

  it('turns unexpected exceptions into internal errors with their message', async () => {
    const { d, settled } = harness({ 'connections/list': async () => Promise.reject(new Error('disk full')) });
    const original = console.error;
    console.error = () => undefined;
    d.handle({ type: 'call', id: 4, method: 'connections/list', params: {} });
    expect(await settled(4)).toEqual({ type: 'error', id: 4, error: { code: 'internal', message: 'disk full' } });
    console.error = original;
  });
});
