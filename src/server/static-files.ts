import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { safeDecode } from './request-guard';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Serves the built renderer; anything outside its folder is not found. */
export function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  headers: Record<string, string>,
  /** Rewrites the page (not assets) before it is sent. */
  page?: (html: string) => string,
): 'served' | 'missing' | 'bad-path' {
  const decoded = safeDecode(pathname);
  if (decoded === null || decoded.includes('\0')) return 'bad-path';
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative === '' ? 'index.html' : relative);
  if (!file.startsWith(root + sep) && file !== root) return 'missing';
  if (!existsSync(file) || !statSync(file).isFile()) return 'missing';
  const ext = extname(file);
  if (ext === '.html' && page) {
    const html = page(readFileSync(file, 'utf8'));
    res.writeHead(200, { ...headers, 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
    res.end(html);
    return 'served';
  }
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    // Hashed asset names can be cached; the page itself must always be fresh.
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return 'served';
}
