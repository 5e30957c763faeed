import { describe, expect, it } from 'vitest';
import { classifyRabbitError } from '../../src/sources/rabbitmq/rabbit-errors';

/** What amqplib reports when RabbitMQ refuses a login (the same words whoever was refused). */
const refused = () =>
  new Error('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."');

describe('the hint for a refused RabbitMQ login', () => {
  it('names the localhost-only rule for guest on a remote broker', () => {
    const e = classifyRabbitError(refused(), 'rabbit.internal:5672', false, '/', 'guest');
    expect(e.code).toBe('auth');
    expect(e.hint).toBe('guest may only log in from localhost unless the broker allows it: use another user for a remote broker.');
  });

  it('says only to check the credentials for other users, or for guest on localhost', () => {
    expect(classifyRabbitError(refused(), 'rabbit.internal:5672', false, '/', 'orders-app').hint).toBe('Check the user name and password.');
    expect(classifyRabbitError(refused(), '127.0.0.1:5672', false, '/', 'guest').hint).toBe('Check the user name and password.');
    expect(classifyRabbitError(refused(), 'localhost:5672', false, '/', 'guest').hint).toBe('Check the user name and password.');
  });
});
