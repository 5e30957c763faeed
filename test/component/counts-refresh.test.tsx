import { act, render } from '@testing-library/react';
import { focusManager, QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientContext } from '../../renderer/src/api/client-context';
import { COUNTS_REFRESH_MS, createQueryClient } from '../../renderer/src/api/queries';
import { refreshingClient } from '../../renderer/src/api/refresh-after-moves';
import { useResources } from '../../renderer/src/sidebar/useResources';
import { fakeClient, type FakeHandlers } from './fake-client';

/**
 * The sidebar's counts are listed again on a timer while the window shows (not while it is
 * hidden), and whenever a call that moves messages settles, from whichever view it came.
 */
const listing = { capabilities: { browse: true, tail: false, publish: true, consumerGroups: false, deadLetters: true, seekByTime: false }, resources: [] };

function Sidebar() {
  const { ensure } = useResources();
  useEffect(() => ensure('c1'), [ensure]);
  return null;
}

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
afterEach(() => {
  focusManager.setFocused(undefined);
  vi.useRealTimers();
});

async function setup() {
  const fake = fakeClient({
    'resources/list': () => listing,
    'publish/send': () => ({ sent: 1, requested: 1, stoppedBy: 'done', routed: true, returned: false, returnedCount: 0, predicted: null, mismatch: null, offsets: [], ranges: [], auditId: 1 }),
  } as unknown as FakeHandlers);
  const queryClient = createQueryClient();
  const client = refreshingClient(fake.client, queryClient);
  render(
    <ClientContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>
        <Sidebar />
      </QueryClientProvider>
    </ClientContext.Provider>,
  );
  const lists = () => fake.calls.filter((c) => c.method === 'resources/list').length;
  await act(() => vi.advanceTimersByTimeAsync(10));
  return { client, lists };
}

describe('sidebar counts', () => {
  it('are listed again every 10 s while the window shows, and not while it is hidden', async () => {
    const { lists } = await setup();
    expect(lists()).toBe(1);
    await act(() => vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS));
    expect(lists()).toBe(2);
    act(() => focusManager.setFocused(false));
    await act(() => vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS * 3));
    expect(lists()).toBe(2);
    act(() => focusManager.setFocused(true));
    await act(() => vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS));
    expect(lists()).toBe(3);
  });

  it('are listed again when a publish settles, and once more after RabbitMQ has sampled its depths', async () => {
    const { client, lists } = await setup();
    expect(lists()).toBe(1);
    await act(async () => {
      await client.stream('publish/send', {
        connectionId: 'c1',
        target: { kind: 'exchange', vhost: '/', exchange: 'x', routingKey: 'k' },
        message: { payload: { format: 'text', text: 'hi' }, headers: [] },
        count: 1,
      });
    });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(lists()).toBe(2);
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(lists()).toBe(3);
  });
});
