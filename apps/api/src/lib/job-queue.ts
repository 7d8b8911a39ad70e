import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { lazy } from './lazy-require';

/** Loaded when a queue on Redis is made (embedded mode never needs it). */
const bullmq = lazy<typeof import('bullmq')>('bullmq');

/** Hands execution ids to workers: BullMQ on Redis, or an in-process queue in embedded mode. */
export interface ExecutionQueue {
  readonly kind: 'bullmq' | 'memory';
  /**
   * Idempotent per id: enqueuing an id already waiting does nothing. `retry` names a new attempt
   * that must get a job of its own (the previous job may still sit with a dead worker).
   */
  enqueue(executionId: string, retry?: string): Promise<void>;
  /** Starts taking jobs, at most `concurrency` at a time in this process. */
  startWorker(handler: (executionId: string) => Promise<void>, concurrency: number): void;
  /** Stops taking new jobs and waits (bounded) for running ones; then closes connections. */
  close(timeoutMs: number): Promise<void>;
  /** Jobs waiting or running, for readiness and tests. */
  depth(): Promise<number>;
}

/** In-process FIFO with a concurrency limit; Postgres keeps the executions, so a restart loses no work. */
export function createMemoryQueue(): ExecutionQueue {
  const waiting: string[] = [];
  const queued = new Set<string>();
  const running = new Set<Promise<void>>();
  let handler: ((id: string) => Promise<void>) | undefined;
  let limit = 1;
  let closed = false;

  const pump = () => {
    while (handler && !closed && running.size < limit && waiting.length > 0) {
      const id = waiting.shift() as string;
      queued.delete(id);
      const task = handler(id)
        .catch(() => undefined)
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
  };

  return {
    kind: 'memory',
    async enqueue(id) {
      if (closed || queued.has(id)) return;
      queued.add(id);
      waiting.push(id);
      pump();
    },
    startWorker(h, concurrency) {
      handler = h;
      limit = concurrency;
      pump();
    },
    async close(timeoutMs) {
      closed = true;
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    async depth() {
      return waiting.length + running.size;
    },
  };
}

const QUEUE_NAME = 'executions';
/** Longest an enqueue may wait for Redis; the execution is in Postgres already, the reconciler re-queues it. */
const ENQUEUE_TIMEOUT_MS = 2000;
/** Connection states after a connection was lost (not the first connect at startup). */
const LOST = new Set(['reconnecting', 'close', 'end']);

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes a connection: politely when connected, at once when Redis is away (QUIT would wait for it). */
async function end(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
}

/**
 * BullMQ queue on Redis. The job id is the execution id, so re-enqueuing (the reconciler) never
 * doubles a job. Postgres stays the source of truth: a job only carries the id.
 */
export function createBullQueue(
  redisUrl: string,
  options: { lockDurationMs?: number; stalledIntervalMs?: number } = {},
): ExecutionQueue {
  const { Queue, Worker } = bullmq();
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', () => undefined);
  const queue = new Queue(QUEUE_NAME, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 1 },
  });
  // Without a listener BullMQ prints each connection error, stack and all, to stderr.
  queue.on('error', () => undefined);
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;
  return {
    kind: 'bullmq',
    async enqueue(id, retry) {
      // With Redis away, ioredis would hold the command (and the request behind it) for as long as
      // the outage lasts: fail fast instead. A late add that still lands is harmless (same job id).
      if (LOST.has(connection.status)) throw new Error('Redis is not connected');
      await within(
        queue.add('run', { executionId: id }, { jobId: retry ? `${id}_${retry}` : id }),
        ENQUEUE_TIMEOUT_MS,
        'Redis did not take the job in time',
      );
    },
    startWorker(handler, concurrency) {
      workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      workerConnection.on('error', () => undefined);
      worker = new Worker(QUEUE_NAME, async (job: Job<{ executionId: string }>) => handler(job.data.executionId), {
        connection: workerConnection,
        concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? options.lockDurationMs ?? 15_000,
        maxStalledCount: 1,
      });
      worker.on('error', () => undefined);
    },
    async close(timeoutMs) {
      if (worker) {
        // close() waits for the jobs in flight; bounded so SIGTERM always ends.
        await Promise.race([worker.close(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
        await worker.close(true).catch(() => undefined);
      }
      if (workerConnection) await end(workerConnection);
      await queue.close().catch(() => undefined);
      await end(connection);
    },
    async depth() {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
  };
}
