import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DeadLetterSource } from '../../src/model/dead-letters';
import { RedriveDialog } from '../../renderer/src/dead-letters/RedriveDialog';
import { fakeClient, renderWithClient } from './fake-client';

const dlt: DeadLetterSource = {
  connectionId: 'k1',
  connectionName: 'Local Kafka',
  kind: 'kafka',
  ref: { type: 'kafka-topic', name: 'orders.DLT' },
  resource: { type: 'kafka-topic', name: 'orders.DLT', internal: false, partitions: [{ partition: 0, low: '0', high: '5', leader: 1 }], records: { value: 5, exact: true }, deadLetter: true },
  depth: { value: 5, exact: true },
  unavailable: null,
};

describe('the redrive dialog', () => {
  it('asks for the topic when "A topic" is chosen and left empty, and asks the broker nothing', async () => {
    const fake = fakeClient({});
    renderWithClient(<RedriveDialog source={dlt} selection={{ all: true }} count={5} onClose={() => undefined} onDone={() => undefined} onOpenAudit={() => undefined} />, fake.client);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: 'A topic' }));
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('Enter the topic to send them to.')).toBeTruthy();
    expect(fake.calls.map((c) => c.method)).not.toContain('dead-letters/plan');
  });
});
