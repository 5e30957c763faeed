import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createGuard, requestUrl } from '../../src/server/request-guard';

const req = (headers: Record<string, string>, url = '/') => ({ headers, url }) as unknown as IncomingMessage;
const guard = createGuard('secret-token', () => 4000);

describe('request guard', () => {
  it('allows only its own loopback host and port', () => {
    expect(guard.hostAllowed(req({ host: '127.0.0.1:4000' }))).toBe(true);
    expect(guard.hostAllowed(req({ host: 'localhost:4000' }))).toBe(true);
    expect(guard.hostAllowed(req({ host: 'attacker.example:4000' }))).toBe(false);
    expect(guard.hostAllowed(req({ host: '127.0.0.1:4001' }))).toBe(false);
    expect(guard.hostAllowed(req({}))).toBe(false);
  });

  it('allows only its own origin', () => {
    expect(guard.originAllowed(req({ origin: 'http://127.0.0.1:4000' }))).toBe(true);
    expect(guard.originAllowed(req({ origin: 'http://evil.example' }))).toBe(false);
    expect(guard.originAllowed(req({ origin: 'null' }))).toBe(false);
  });

  it('reads the token from the query or the cookie and compares it exactly', () => {
    expect(guard.tokenFrom(req({}), new URL('http://x/?token=abc'))).toBe('abc');
    expect(guard.tokenFrom(req({ cookie: 'a=1; rewind_token=secret-token' }), new URL('http://x/'))).toBe('secret-token');
    expect(guard.tokenValid('secret-token')).toBe(true);
    expect(guard.tokenValid('secret-tokeN')).toBe(false);
    expect(guard.tokenValid('secret')).toBe(false);
    expect(guard.tokenValid(null)).toBe(false);
  });

  it('answers null, never throws, on a broken cookie escape or request target', () => {
    expect(guard.tokenFrom(req({ cookie: 'rewind_token=%E0%A4%A' }), new URL('http://x/'))).toBeNull();
    expect(requestUrl(req({}, 'http://['), 4000)).toBeNull();
    expect(requestUrl(req({}, '//evil.example/x'), 4000)).toBeNull();
    expect(requestUrl(req({}, '*'), 4000)).toBeNull();
    expect(requestUrl(req({}, '/assets/a.js?token=1'), 4000)?.pathname).toBe('/assets/a.js');
  });
});
