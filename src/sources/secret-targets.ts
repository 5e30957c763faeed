/** How TLS is written in a password's target when it is saved; the same words must come back to send it. */
export const tlsWord = (tls: boolean) => (tls ? 'TLS' : 'no TLS');
