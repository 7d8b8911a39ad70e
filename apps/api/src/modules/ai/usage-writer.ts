import { Counter, Gauge } from 'prom-client';
import { registry } from '../../lib/metrics';
import type { Logger } from '../../lib/logger';
import type { UsageRow } from './usage.repo';

const usageRowsWritten = new Counter({
  name: 'auterity_ai_usage_rows_total',
  help: 'AI usage rows by outcome: written, retried (a batch the database could not take, kept for the next try) or rejected (refused as invalid)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const usageRowsQueued = new Gauge({
  name: 'auterity_ai_usage_rows_queued',
  help: 'AI usage rows waiting to be written',
  registers: [registry],
});

export interface UsageWriterOptions {
  /** Rows per INSERT statement. */
  maxBatch?: number;
  /** First wait after a failed batch; it doubles (with jitter) up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Errors that say the rows themselves are wrong (SQLSTATE classes 22, 23, 42): a retry cannot help. */
function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/**
 * AI usage rows written behind the answer. A billed call queues its row here and its caller has
 * the result without waiting for the commit; rows go out in batches (one INSERT each, so a batch
 * commits whole or not at all). A batch the database cannot take (connection lost, restart,
 * outage) stays first in line and is sent again with backoff until it commits: nothing is
 * dropped while the process lives, and the rows' call ids make a resend after an unclear failure
 * harmless (the insert skips calls already recorded). A batch the database refuses as invalid is
 * split so that one bad row cannot hold back the others; the bad row is logged in full and
 * counted. `flush()` waits for what was queued before it: read paths use it so that a process
 * reads its own writes, and shutdown drains through it and logs whatever it could not write.
 */
export function createUsageWriter(
  insert: (rows: readonly UsageRow[]) => Promise<void>,
  log: Logger,
  options: UsageWriterOptions = {},
) {
  const maxBatch = options.maxBatch ?? 500;
  const retryMs = options.retryMs ?? 100;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let queue: UsageRow[] = [];
  /** Rows handed to write() so far, and rows settled (written or rejected) so far. */
  let queued = 0;
  let settled = 0;
  let draining = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  const waiters: { upTo: number; resolve: () => void }[] = [];

  function settle(count: number): void {
    settled += count;
    usageRowsQueued.set(queue.length);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as (typeof waiters)[number];
      if (settled >= waiter.upTo) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Inserts rows one by one after their batch was refused; the ones still refused are dropped loudly. */
  async function sendEach(batch: UsageRow[]): Promise<void> {
    for (const row of batch) {
      try {
        await insert([row]);
        usageRowsWritten.inc({ outcome: 'written' });
      } catch (err) {
        if (!isRowError(err)) throw err;
        usageRowsWritten.inc({ outcome: 'rejected' });
        log.error({ err, usage: row }, 'AI usage row refused by the database: not recorded');
      }
      queue.shift();
      settle(1);
    }
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        try {
          try {
            await insert(batch);
            usageRowsWritten.inc({ outcome: 'written' }, batch.length);
            queue = queue.slice(batch.length);
            settle(batch.length);
          } catch (err) {
            if (!isRowError(err)) throw err;
            await sendEach(batch);
          }
          if (failures > 0) log.info({ failures }, 'AI usage rows are being written again');
          failures = 0;
        } catch (err) {
          failures += 1;
          usageRowsWritten.inc({ outcome: 'retried' }, batch.length);
          const wait = Math.min(maxRetryMs, retryMs * 2 ** (failures - 1)) * (0.75 + Math.random() / 2);
          if (failures === 1 || failures % 20 === 0) {
            log.error(
              { err, queued: queue.length, failures, retryInMs: Math.round(wait) },
              'AI usage rows could not be written yet: kept for a retry',
            );
          }
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            void drain();
          }, wait);
          retryTimer.unref();
          return;
        }
      }
    } finally {
      draining = false;
    }
  }

  /**
   * Resolves once every row queued before this call is written (or refused as invalid), or
   * after `timeoutMs`; false when it timed out with rows still waiting.
   */
  async function flush(timeoutMs = 10_000): Promise<boolean> {
    if (settled >= queued) return true;
    const upTo = queued;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => waiters.push({ upTo, resolve: () => resolve(true) })),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return done;
  }

  return {
    /** Queues one billed call's row; never throws, never waits. */
    write(row: UsageRow): void {
      queue.push(row);
      queued += 1;
      usageRowsQueued.set(queue.length);
      // Rows that arrive while a batch is in flight go out together in the next one.
      if (!draining && !retryTimer) void drain();
    },

    flush,

    /** Shutdown: waits up to `timeoutMs` for the queue, then logs every row still unwritten so it can be replayed. */
    async close(timeoutMs = 10_000): Promise<void> {
      if (await flush(timeoutMs)) return;
      if (retryTimer) clearTimeout(retryTimer);
      log.error(
        { unwritten: queue },
        `AI usage: ${queue.length} rows could not be written before shutdown (listed here for replay)`,
      );
    },

    /** Rows waiting to be written. */
    pending: (): number => queue.length,
  };
}

export type UsageWriter = ReturnType<typeof createUsageWriter>;
