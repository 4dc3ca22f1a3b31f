import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TASKS, TaskName } from './tasks';

type Result<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
type Args<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];

interface Job {
  id: number;
  name: TaskName;
  args: unknown;
  resolve(v: unknown): void;
  reject(e: Error): void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

const BOOT = new URL('./boot.mjs', import.meta.url);
const ENTRY = new URL('./tasks.ts', import.meta.url).href;

/**
 * A small pool of worker threads for CPU-heavy JavaScript (speech synthesis, drawing, music), so
 * rendering never blocks the event loop the chat adapters share. Aborting a job terminates its
 * worker (a fresh one replaces it).
 */
export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** How many jobs wait for a worker, shared with the workers (a warm-up stops when one does). */
  private readonly waiting = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism()))) {}

  /** Runs a named task on a worker; rejects with an AbortError when `signal` fires. */
  run<N extends TaskName>(name: N, args: Args<N>, signal?: AbortSignal): Promise<Result<N>> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<Result<N>>((resolve, reject) => {
      const onAbort = () => this.abort(job);
      const settle = () => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        id: this.nextId++, name, args, signal,
        resolve: (v) => (settle(), (resolve as (v: unknown) => void)(v)),
        reject: (e) => (settle(), reject(e)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY, waiting: this.waiting } });
    const slot: Slot = { worker };
    worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      slot.job = undefined;
      if (msg.ok) job.resolve(msg.result instanceof Uint8Array ? Buffer.from(msg.result) : reviveBuffers(msg.result));
      else job.reject(new Error(msg.error));
      this.pump();
    });
    worker.on('error', (err) => {
      const job = slot.job;
      slot.job = undefined;
      this.slots = this.slots.filter((s) => s !== slot);
      job?.reject(err);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) break;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, name: job.name, args: job.args });
    }
    Atomics.store(this.waiting, 0, this.queue.length);
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      Atomics.store(this.waiting, 0, this.queue.length);
      job.reject(abortError());
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    slot.job = undefined;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
    job.reject(abortError());
    this.pump();
  }

  /**
   * Starts every worker and loads its engines now, so the first render does not pay for it
   * (≈2 s on two cores: thread start, TypeScript loader, eSpeak's WebAssembly up to full speed;
   * cut short when real jobs arrive). Never rejects.
   */
  warmUp(speech: boolean): Promise<void> {
    return Promise.all(Array.from({ length: this.size }, () => this.run('warm', { speech }))).then(() => undefined, () => undefined);
  }

  /** Stops every worker; queued and running jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('worker pool closed'));
    for (const slot of this.slots) {
      slot.job?.reject(new Error('worker pool closed'));
      slot.job = undefined;
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}

function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** Structured clone turns Buffers into Uint8Arrays; turn the ones inside results back. */
function reviveBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(reviveBuffers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, reviveBuffers(v)]));
  }
  return value;
}
