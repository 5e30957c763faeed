const nf = new Intl.NumberFormat('en-US');

export const formatCount = (n: number) => nf.format(n);

/** Estimates are marked so nobody mistakes them for exact numbers. */
export const formatEstimate = (c: { value: number; exact: boolean }) => (c.exact ? nf.format(c.value) : `~${nf.format(c.value)}`);

/** What a count's hover says: exact, or why it may be wrong. */
export const countTitle = (what: string, c: { exact: boolean; note?: string | undefined }) => (c.exact ? `${what} (exact)` : `${what}, about: ${c.note ?? 'an estimate'}`);

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Local time, to the second, in a fixed shape that sorts and scans well. */
export function formatTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A partition's offsets as people read them: the high watermark is the next offset, not the last. */
export function offsetRange(low: string, high: string): string {
  const last = BigInt(high) - 1n;
  return last < BigInt(low) ? `empty (next offset ${high})` : `offsets ${low}–${last}`;
}
