import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitAdapter } from '../../src/sources/rabbitmq/rabbit-adapter';
import { management } from '../tools/rabbit-tools';
import { failure, rabbitProfile, unique } from './brokers';

/**
 * A refused login gets the hint that fits who was refused: the note that guest only logs in
 * from localhost is for guest off-localhost, not for every wrong password; the management API
 * tells a missing "management" tag apart from a wrong password, and so must the hint.
 */
const user = unique('rewind-hint-user');
const tagless = unique('rewind-hint-tagless');
const signal = () => new AbortController().signal;

beforeAll(async () => {
  await management('PUT', `/users/${user}`, { password: 'right', tags: 'management' });
  await management('PUT', `/permissions/%2F/${user}`, { configure: '.*', write: '.*', read: '.*' });
  await management('PUT', `/users/${tagless}`, { password: 'right', tags: '' });
  await management('PUT', `/permissions/%2F/${tagless}`, { configure: '.*', write: '.*', read: '.*' });
});
afterAll(async () => {
  await management('DELETE', `/users/${user}`);
  await management('DELETE', `/users/${tagless}`);
});

describe('RabbitMQ login hints', () => {
  it('a wrong password for a user other than guest says to check the user name and password, nothing about guest', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile({ username: user }), 'wrong').test(signal()));
    expect(e.code).toBe('auth');
    expect(e.hint).toBe('Check the user name and password.');
  });

  it('guest refused on localhost is a wrong password too (the localhost rule is not the cause there)', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile(), 'wrong').test(signal()));
    expect(e.hint).toBe('Check the user name and password.');
  });

  it('the management API: a missing "management" tag is named as such, a wrong password is not', async () => {
    const noTag = await failure(new RabbitAdapter(rabbitProfile({ username: tagless }), 'right').listResources(signal()));
    expect(noTag.code).toBe('auth');
    expect(noTag.message).toBe(`The management API refused ${tagless}: the user has no "management" tag (401)`);
    expect(noTag.hint).toBe('Give the user the "management" tag (or "monitoring" / "administrator") so Rewind can list queues.');
    const wrong = await failure(new RabbitAdapter(rabbitProfile({ username: user }), 'wrong').listResources(signal()));
    expect(wrong.message).toBe('The management API refused the user name or password (401)');
    expect(wrong.hint).toBe('Check the user name and password.');
  });

  it('the management API out of reach: the plugin hint only where the plugin may be what is missing', async () => {
    const refused = await failure(new RabbitAdapter(rabbitProfile({ managementPort: 1 }), 'guest').listResources(signal()));
    expect(refused.hint).toBe('Enable the rabbitmq_management plugin and check the management port (default 15672).');
    const unknownHost = await failure(new RabbitAdapter(rabbitProfile({ host: 'no-such-host.invalid' }), 'guest').listResources(signal()));
    expect(unknownHost.hint).toBe('Check the host name for typos.');
    const tls = await failure(new RabbitAdapter(rabbitProfile({ tls: true }), 'guest').listResources(signal()));
    expect(tls.hint).toMatch(/TLS/);
  });
});
