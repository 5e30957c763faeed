import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the web shell: only pages it served itself, on the loopback name and port it
 * listens on, holding the per-launch token. The Host check stops DNS rebinding; the Origin check
 * stops other local pages from opening the WebSocket. Every input here is hostile until checked:
 * nothing in this file throws on a malformed header or URL.
 */
export interface Guard {
  hostAllowed(req: IncomingMessage): boolean;
  originAllowed(req: IncomingMessage): boolean;
  tokenFrom(req: IncomingMessage, url: URL): string | null;
  tokenValid(candidate: string | null): boolean;
}

export const TOKEN_COOKIE = 'rewind_token';

/** The request target as a URL, or null when it is not one (absolute-form junk, bad escapes). */
export function requestUrl(req: IncomingMessage, port: number): URL | null {
  const raw = req.url ?? '/';
  // Only origin-form targets ("/path?query") are ours; absolute and authority forms are refused.
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    return new URL(raw, `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

/** decodeURIComponent that answers null instead of throwing on a broken escape. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

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
    tokenFrom: (req, url) => {
      const fromQuery = url.searchParams.get('token');
      if (fromQuery) return fromQuery;
      const cookie = (req.headers.cookie ?? '')
        .split(';')
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
      return cookie ? safeDecode(cookie.slice(TOKEN_COOKIE.length + 1)) : null;
    },
    tokenValid: (candidate) => {
      if (!candidate) return false;
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
