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
