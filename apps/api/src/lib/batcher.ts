/**
 * Group commit for writes that callers wait on: the first write goes out at once; writes that
 * arrive while it is in flight are sent together in the next batch. No artificial delay, and
 * under load one statement (and one commit) carries many rows. Each caller's promise settles
 * with its own row: when a batch fails, its rows are retried one by one so that one bad row
 * cannot fail the others. With `lingerMs` (writes nobody waits on, e.g. request analytics), the
 * first write of an idle batcher waits that long, so each statement carries a whole interval's rows.
 */
export function createBatcher<T>(flush: (items: T[]) => Promise<void>, maxBatch = 100, lingerMs = 0) {
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let flushing = false;
  let lingering: NodeJS.Timeout | undefined;

  /** Waits `lingerMs` before the next drain (unless a full batch is already waiting). */
  function schedule(): void {
    if (lingering || flushing) return;
    if (lingerMs <= 0 || queue.length >= maxBatch) {
      void drain();
      return;
    }
    lingering = setTimeout(() => {
      lingering = undefined;
      void drain();
    }, lingerMs);
  }

  async function drain(): Promise<void> {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        if (batch.length === 1) {
          batch[0]?.reject(err);
        } else {
          for (const b of batch) {
            await flush([b.item]).then(b.resolve, b.reject);
          }
        }
      }
      // Lingering writers send full batches back to back, and a partial one after the next wait.
      if (lingerMs > 0 && queue.length < maxBatch) break;
    }
    flushing = false;
    if (queue.length > 0) schedule();
  }

  return {
    write(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (lingering && queue.length >= maxBatch) {
          clearTimeout(lingering);
          lingering = undefined;
        }
        schedule();
      });
    },
  };
}
