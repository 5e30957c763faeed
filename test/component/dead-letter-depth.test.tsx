import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { DeadLetterSource } from '../../src/model/dead-letters';
import { createQueryClient, queryKeys } from '../../renderer/src/api/queries';
import { DeadLettersTab } from '../../renderer/src/dead-letters/DeadLettersTab';
import { fakeClient, renderWithClient } from './fake-client';
import { record } from './envelopes';

/** A stream DLQ the management API samples at 3 (not exact); a peek counts the 3 exactly. */
const dlq: DeadLetterSource = {
  connectionId: 'r1',
  connectionName: 'Local RabbitMQ',
  kind: 'rabbitmq',
  ref: { type: 'rabbit-queue', vhost: '/', name: 'orders.dlq' },
  resource: { type: 'rabbit-queue', vhost: '/', name: 'orders.dlq', queueType: 'quorum', messages: { value: 3, exact: false }, consumers: 0, deadLetter: true },
  depth: { value: 3, exact: false, note: 'Sampled by the management API every few seconds.' },
  unavailable: null,
};

describe('the dead-letter list after a peek', () => {
  it('keeps saying the peeked count exactly when the list is read again and its sample agrees', async () => {
    const fake = fakeClient({
      'dead-letters/list': () => ({ sources: [dlq], unreachable: [] }),
      'dead-letters/peek': () => ({
        messages: [0, 1, 2].map((i) => ({
          id: String(i),
          envelope: record(i),
          death: { reason: 'rejected', origin: 'orders', attempts: 1, at: null, history: [], first: null, kafka: null, problems: [] },
        })),
        depth: { value: 3, exact: true },
        note: 'The first 3 of 3 messages.',
      }),
    });
    const queryClient = createQueryClient();
    renderWithClient(
      <QueryClientProvider client={queryClient}>
        <DeadLettersTab onOpen={() => undefined} onOpenAudit={() => undefined} />
      </QueryClientProvider>,
      fake.client,
    );
    const sources = await screen.findByRole('navigation', { name: 'Dead-letter sources' });
    const item = await within(sources).findByRole('button', { name: /orders\.dlq/ });
    expect(item.querySelector('.badge.dead')?.textContent).toBe('~3');
    await userEvent.setup().click(item);
    await screen.findByText('The first 3 of 3 messages.');
    expect(item.querySelector('.badge.dead')?.textContent).toBe('3');
    // The list is read again (a refresh after an action, the timer): the sample comes back.
    await act(() => queryClient.refetchQueries({ queryKey: queryKeys.deadLetters }));
    expect(fake.calls.filter((c) => c.method === 'dead-letters/list')).toHaveLength(2);
    expect(
      within(sources)
        .getByRole('button', { name: /orders\.dlq/ })
        .querySelector('.badge.dead')?.textContent,
    ).toBe('3');
  });
});
