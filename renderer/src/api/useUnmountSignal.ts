import { useEffect, useRef } from 'react';

/**
 * A signal that aborts when the component goes away: given as a stream's `detach`, a long job
 * (a search, a trace, a catalogue) goes on in the core and the jobs panel can bring it back.
 */
export function useUnmountSignal(): { readonly current: AbortSignal } {
  const unmounted = useRef(new AbortController());
  const signal = useRef(unmounted.current.signal);
  useEffect(() => {
    const c = new AbortController();
    unmounted.current = c;
    signal.current = c.signal;
    return () => c.abort();
  }, []);
  return signal;
}
