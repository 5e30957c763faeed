import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ResultOf } from '../../src/api/contract';
import type { ConnectionSummary, Resource } from '../../renderer/src/api/types';
import { SourcePicker, type SourceChoice } from '../../renderer/src/projections/SourcePicker';
import { fakeClient, renderWithClient } from './fake-client';

const connections: ConnectionSummary[] = [
  { id: 'local', kind: 'store', name: 'Local store', address: '/data/rewind.db', removable: false },
  { id: 'k1', kind: 'kafka', name: 'Kafka dev', address: '127.0.0.1:9092', removable: true },
  { id: 'r1', kind: 'rabbitmq', name: 'Rabbit dev', address: '127.0.0.1:5672', removable: true },
];
const count = (value: number) => ({ value, exact: true });
const partition = (p: number) => ({ partition: p, low: '0', high: '10', leader: 1 });
const RESOURCES: Record<string, Resource[]> = {
  local: [
    { type: 'store-all', name: '$all', events: count(30) },
    { type: 'store-stream', name: 'account-1', category: 'account', events: count(3), lastPosition: '3', lastWrite: null },
    { type: 'store-subscription', name: 'balances', checkpoint: 3, parked: count(0), deadLetter: false },
  ],
  k1: [
    { type: 'kafka-topic', name: 'orders', internal: false, partitions: [partition(0), partition(1)], records: count(20), deadLetter: false },
    { type: 'kafka-topic', name: '__consumer_offsets', internal: true, partitions: [partition(0)], records: count(5), deadLetter: false },
  ],
  r1: [
    { type: 'rabbit-vhost', name: '/' },
    { type: 'rabbit-queue', vhost: '/', name: 'events', queueType: 'stream', messages: count(9), consumers: 0, deadLetter: false },
    { type: 'rabbit-queue', vhost: '/', name: 'work', queueType: 'classic', messages: count(2), consumers: 1, deadLetter: false },
  ],
};
const capabilities = { browse: true, tail: true, publish: true, consumerGroups: false, deadLetters: false, seekByTime: true };
const listed = (connectionId: string): ResultOf<'resources/list'> => ({ capabilities, resources: RESOURCES[connectionId] ?? [] });

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The picker as the projection tab holds it, with the chosen source said back. */
function Harness() {
  const [source, setSource] = useState<SourceChoice>({ connectionId: 'local', target: { type: 'store-all' }, label: '$all' });
  return (
    <>
      <SourcePicker connections={connections} value={source} onChange={setSource} />
      <output aria-label="chosen">{`${source.connectionId}: ${source.label} ${JSON.stringify(source.target)}`}</output>
    </>
  );
}

const show = (client: RewindClient) => renderWithClient(<Harness />, client);
const connectionBox = () => screen.getByRole('combobox', { name: 'Source connection' });
const resourceBox = () => screen.getByRole('combobox', { name: 'Source resource' });
const options = (box: HTMLElement) =>
  within(box)
    .getAllByRole('option')
    .map((o) => o.textContent);
const chosen = () => screen.getByRole('status', { name: 'chosen' }).textContent;

describe('SourcePicker', () => {
  it('lists the store: $all and its streams, not subscriptions', async () => {
    const { client, calls } = fakeClient({ 'resources/list': ({ connectionId }) => listed(connectionId) });
    show(client);
    expect(options(connectionBox())).toEqual(['Local store', 'Kafka dev', 'Rabbit dev']);
    await waitFor(() => expect(options(resourceBox())).toEqual(['$all', 'account-1']));
    expect((resourceBox() as HTMLSelectElement).disabled).toBe(false);
    expect(within(resourceBox()).getByRole<HTMLOptionElement>('option', { name: '$all' }).selected).toBe(true);
    expect(calls).toEqual([{ method: 'resources/list', params: { connectionId: 'local' } }]);
  });

  it('says it is loading until the list arrives', async () => {
    const { promise, resolve: answer } = deferred<ResultOf<'resources/list'>>();
    const { client } = fakeClient({ 'resources/list': () => promise });
    show(client);
    expect(options(resourceBox())).toEqual(['loading…']);
    expect((resourceBox() as HTMLSelectElement).disabled).toBe(true);
    answer(listed('local'));
    await waitFor(() => expect(options(resourceBox())).toEqual(['$all', 'account-1']));
  });

  it('on a Kafka connection offers each topic whole and by partition, internal topics left out', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({ 'resources/list': ({ connectionId }) => listed(connectionId) });
    show(client);
    await user.selectOptions(connectionBox(), 'Kafka dev');
    await waitFor(() => expect(options(resourceBox())).toEqual(['pick a topic, stream or queue', 'orders (all partitions)', 'orders / partition 0', 'orders / partition 1']));
    await user.selectOptions(resourceBox(), 'orders / partition 1');
    expect(chosen()).toBe('k1: orders / partition 1 {"type":"kafka-partition","topic":"orders","partition":1}');
    await user.selectOptions(resourceBox(), 'orders (all partitions)');
    expect(chosen()).toBe('k1: orders (all partitions) {"type":"kafka-topic","topic":"orders"}');
    expect(options(resourceBox())).not.toContain('pick a topic, stream or queue');
  });

  it('on RabbitMQ offers stream queues only', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({ 'resources/list': ({ connectionId }) => listed(connectionId) });
    show(client);
    await user.selectOptions(connectionBox(), 'Rabbit dev');
    await waitFor(() => expect(options(resourceBox())).toEqual(['pick a topic, stream or queue', 'events (vhost /)']));
    await user.selectOptions(resourceBox(), 'events (vhost /)');
    expect(chosen()).toBe('r1: events (vhost /) {"type":"rabbit-stream","vhost":"/","queue":"events"}');
  });

  it('says why a connection cannot be listed', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({
      'resources/list': ({ connectionId }) => {
        if (connectionId === 'k1') throw new Error('Host not found: kafka.invalid');
        return listed(connectionId);
      },
    });
    show(client);
    await user.selectOptions(connectionBox(), 'Kafka dev');
    await screen.findByText('cannot list: Host not found: kafka.invalid');
    expect(screen.queryByRole('combobox', { name: 'Source resource' })).toBeNull();
    await user.selectOptions(connectionBox(), 'Local store');
    await waitFor(() => expect(options(resourceBox())).toEqual(['$all', 'account-1']));
    expect(screen.queryByText(/cannot list/)).toBeNull();
  });

  it('cancels a slow listing when another connection is picked, and keeps the newer list', async () => {
    const user = userEvent.setup();
    const cancelled: string[] = [];
    const kafka = deferred<ResultOf<'resources/list'>>();
    const { client } = fakeClient({
      'resources/list': ({ connectionId }, signal) => {
        if (connectionId !== 'k1') return listed(connectionId);
        signal.addEventListener('abort', () => cancelled.push(connectionId));
        return kafka.promise;
      },
    });
    show(client);
    await waitFor(() => expect(options(resourceBox())).toEqual(['$all', 'account-1']));
    await user.selectOptions(connectionBox(), 'Kafka dev');
    expect(options(resourceBox())).toEqual(['loading…']);
    await user.selectOptions(connectionBox(), 'Rabbit dev');
    await waitFor(() => expect(options(resourceBox())).toContain('events (vhost /)'));
    expect(cancelled).toEqual(['k1']);
    kafka.resolve(listed('k1'));
    await new Promise((r) => setTimeout(r, 20));
    expect(options(resourceBox())).not.toContain('orders (all partitions)');
  });
});
