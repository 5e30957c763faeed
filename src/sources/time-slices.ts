import { performance } from 'node:perf_hooks';

/**
 * Long loops in the core (a 5,000-queue topology, a batch of 250,000 records, a whole-topic
 * filter) run in slices: at places where they may stop, they look whether SLICE_MS have passed
 * since the current slice began and, if so, wait for their turn. Turns are given one per turn of
 * the event loop, in order, so timers, sockets and other calls get in between any two slices,
 * however many loops run at once (six partitions searched together take turns, not one turn
 * each in the same tick). Measured in wall time: on a machine whose cores are shared, the slices
 * shrink with the share the core gets, and no other call waits for much more than a slice.
 */
export const SLICE_MS = 8;

/** How many cheap items run between two looks at the clock. */
const EVERY = 64;

let since = performance.now();
const waiting: (() => void)[] = [];
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(giveTurn);
}

function giveTurn(): void {
  scheduled = false;
  const resume = waiting.shift();
  // Set from inside a turn, the next one comes at the next turn of the event loop.
  if (waiting.length > 0) schedule();
  since = performance.now();
  resume?.();
}

/** Whether the current slice is used up. */
export function sliceDue(): boolean {
  return performance.now() - since >= SLICE_MS;
}

/** Waits for a turn of the event loop, after everything waiting before it; a new slice begins. */
export function nextSlice(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}

/** Waits for the next slice when this one is used up. */
export async function maybeNextSlice(): Promise<void> {
  if (sliceDue()) await nextSlice();
}

/** `items.filter(test)`, in slices. */
export async function filterInSlices<T>(items: readonly T[], test: (item: T) => boolean): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i % EVERY === EVERY - 1 && sliceDue()) await nextSlice();
    if (test(items[i]!)) out.push(items[i]!);
  }
  return out;
}

/** `items.map(f)`, in slices. */
export async function mapInSlices<T, U>(items: readonly T[], f: (item: T) => U): Promise<U[]> {
  const out: U[] = new Array<U>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i % EVERY === EVERY - 1 && sliceDue()) await nextSlice();
    out[i] = f(items[i]!);
  }
  return out;
}
