import { createBatcher } from './batcher';

describe('createBatcher', () => {
  it('sends the first write at once and groups the writes that arrive while it is in flight', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
    });

    await Promise.all([1, 2, 3, 4].map((n) => batcher.write(n)));

    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch rows', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number>(async (items) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
    }, 2);

    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.write(n)));

    expect(sizes).toEqual([1, 2, 2]);
  });

  it('fails only the row that fails: a failed batch is retried row by row', async () => {
    const batcher = createBatcher<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes(3)) throw new Error('bad row');
    });

    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.write(n)));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('createBatcher with lingerMs', () => {
  it('waits lingerMs before the first batch, so one statement carries the interval’s writes', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(
      async (items) => {
        batches.push(items);
      },
      100,
      30,
    );

    const writes = [1, 2, 3].map((n) => batcher.write(n));
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([]);
    await Promise.all(writes);

    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('sends a full batch at once instead of lingering, and the rest after the next wait', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(
      async (items) => {
        batches.push(items);
      },
      2,
      1000,
    );
    const started = Date.now();

    await Promise.all([1, 2].map((n) => batcher.write(n)));
    const third = batcher.write(3);
    const fourth = batcher.write(4);
    await Promise.all([third, fourth]);

    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
