import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RewindError } from '../../model/errors';
import { workerScript } from '../../workers/worker-script';
import type { InflateAnswer, InflateRequest } from './inflate-worker';
import { OutputLimit } from './lz4-snappy';

/**
 * A few threads that decompress large batches (codecs.ts sends them the ones planned past a few
 * MB), so a 256 MB batch takes a thread for its second and not the core: every other call goes
 * on meanwhile. Threads start when first needed and end after a while unused (their memory goes
 * back); at most QUEUE_MAX batches wait for one, past that a read is refused, saying why.
 */
const THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));
const QUEUE_MAX = 32;
const IDLE_MS = 15_000;
/**
 * A thread that made more than this, or failed (a bomb stopped at the limit), is ended at once
 * and a new one started when next needed: what it allocated on the way goes back with it, where
 * a thread kept alive held a 256 MB bomb's pieces (300 MB of RSS) until it happened to collect.
 */
const RETIRE_AFTER = 32 << 20;

interface Job {
  request: InflateRequest;
  resolve(out: Buffer): void;
  reject(e: unknown): void;
}

interface Thread {
  worker: Worker;
  job: Job | null;
  idle: NodeJS.Timeout | null;
}

const threads: Thread[] = [];
const queue: Job[] = [];

const cancelled = () => Object.assign(new Error('Cancelled'), { name: 'AbortError' });

/** `data` decompressed with `codec` in a thread, at most `max` bytes; rejects with OutputLimit or the codec's error. */
export function inflateOffThread(codec: number, data: Buffer, max: number, signal?: AbortSignal): Promise<Buffer> {
  if (signal?.aborted) return Promise.reject(cancelled());
  if (queue.length >= QUEUE_MAX) {
    return Promise.reject(
      new RewindError(
        'limit',
        `Rewind is already decompressing ${QUEUE_MAX} large batches; this read was refused rather than queued`,
        'Try again when the reads and searches running now have finished.',
      ),
    );
  }
  // The thread gets a copy of its own: the compressed bytes are a slice of a larger response.
  const input = new Uint8Array(data.byteLength);
  input.set(data);
  return new Promise<Buffer>((resolve, reject) => {
    const onAbort = () => {
      const at = queue.indexOf(job);
      if (at < 0) return; // already in a thread: it finishes, and its output is dropped
      queue.splice(at, 1);
      reject(cancelled());
    };
    const off = () => signal?.removeEventListener('abort', onAbort);
    const job: Job = {
      request: { codec, input, max },
      resolve: (out) => (off(), resolve(out)),
      reject: (e) => (off(), reject(e)),
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    queue.push(job);
    pump();
  });
}

function pump(): void {
  while (queue.length > 0) {
    const thread = threads.find((t) => t.job === null) ?? (threads.length < THREADS ? start() : null);
    if (!thread) return;
    const job = queue.shift()!;
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = null;
    thread.job = job;
    thread.worker.postMessage(job.request, [job.request.input.buffer as ArrayBuffer]);
  }
}

function start(): Thread {
  const worker = new Worker(workerScript('inflate-worker', join(__dirname, 'inflate-worker.ts')));
  // An idle thread never keeps the process alive.
  worker.unref();
  const thread: Thread = { worker, job: null, idle: null };
  threads.push(thread);
  worker.on('message', (answer: InflateAnswer) => {
    const job = thread.job;
    thread.job = null;
    if (job) {
      if (answer.ok) job.resolve(Buffer.from(answer.out, answer.offset, answer.length));
      else job.reject(answer.limit !== null ? new OutputLimit(answer.limit) : new Error(answer.message));
    }
    if (!answer.ok || answer.length > RETIRE_AFTER) stop(thread);
    else thread.idle = setTimeout(() => stop(thread), IDLE_MS).unref();
    pump();
  });
  const lost = (why: string) => {
    const at = threads.indexOf(thread);
    if (at < 0) return;
    threads.splice(at, 1);
    if (thread.idle) clearTimeout(thread.idle);
    thread.job?.reject(new RewindError('internal', `The decompression thread ended: ${why}`, 'Read the batch again; if it keeps failing, report it with the batch’s offset.'));
    thread.job = null;
    pump();
  };
  worker.on('error', (e) => lost(e.message));
  worker.on('exit', (code) => lost(`exit code ${code}`));
  return thread;
}

function stop(thread: Thread): void {
  const at = threads.indexOf(thread);
  if (at < 0 || thread.job) return;
  threads.splice(at, 1);
  void thread.worker.terminate();
}
