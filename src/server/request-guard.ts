import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the web shell: only pages it served itself, on the loopback name and port it
 * listens on, holding the per-launch token. The Host check stops DNS rebinding; the Origin check
 * stops other local pages from opening the WebSocket.
 */
export interface Guard {
  hostAllowed(req: IncomingMessage): boolean;
  originAllowed(req: IncomingMessage): boolean;
  tokenFrom(req: IncomingMessage): string | null;
  tokenValid(candidate: string | null): boolean;
}

export const TOKEN_COOKIE = 'rewind_token';

export function createGuard(token: string, port: () => number): Guard {
  const expected = Buffer.from(token);
  const hosts = () => [`127.0.0.1:${port()}`, `localhost:${port()}`];
  return {
    hostAllowed: (req) => hosts().includes((req.headers.host ?? '').toLowerCase()),
    originAllowed: (req) => {
      const origin = req.headers.origin;
      // Browsers always send Origin on WebSocket upgrades; a missing one is a non-browser client,
      // which still has to present the token.
      if (origin === undefined) return true;
      return hosts().some((h) => origin.toLowerCase() === `http://${h}`);
    },
    tokenFrom: (req) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const fromQuery = url.searchParams.get('token');
      if (fromQuery) return fromQuery;
      const cookie = (req.headers.cookie ?? '')
        .split(';')
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
      return cookie ? decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1)) : null;
    },
    tokenValid: (candidate) => {
      if (!candidate) return false;
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
