import net from 'node:net';
import { createBullQueue } from './job-queue';

/** A port that refuses connections: Redis is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('BullMQ queue while Redis is down', () => {
  it('fails an enqueue fast instead of holding the caller for the outage', async () => {
    const queue = createBullQueue(`redis://127.0.0.1:${await closedPort()}`);
    await new Promise((r) => setTimeout(r, 300)); // the first connect has failed: reconnecting

    const started = Date.now();
    await expect(queue.enqueue('00000000-0000-4000-8000-000000000001')).rejects.toThrow(/Redis/);

    expect(Date.now() - started).toBeLessThan(2500);
    await queue.close(100);
  });
});
