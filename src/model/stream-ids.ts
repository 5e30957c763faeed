/** Redis stream ids (`<milliseconds>-<sequence>`), compared and stepped as the server orders them. */

/** Orders two stream ids by their milliseconds, then their sequence (a missing sequence is 0). */
export function compareIds(a: string, b: string): number {
  const [am, as = 0n] = a.split('-').map(BigInt) as [bigint, bigint?];
  const [bm, bs = 0n] = b.split('-').map(BigInt) as [bigint, bigint?];
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** The id just after this one: where a read or a follow goes on (XRANGE takes inclusive bounds). */
export function afterId(id: string): string {
  const [ms, seq = '0'] = id.split('-');
  return `${ms}-${(BigInt(seq) + 1n).toString()}`;
}
