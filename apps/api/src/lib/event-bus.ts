import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/** Fan-out of small JSON messages to every process (Redis pub/sub) or within this one (embedded). */
export interface EventBus {
  publish(channel: string, message: unknown): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: unknown) => void): () => void;
  close(): Promise<void>;
}

const PREFIX = 'auterity:bus:';

function localEmitter(): EventEmitter {
  const emitter = new EventEmitter();
  // Many SSE clients may follow one execution.
  emitter.setMaxListeners(0);
  return emitter;
}

/** In-process bus for embedded mode and tests. */
export function createLocalEventBus(): EventBus {
  const emitter = localEmitter();
  return {
    async publish(channel, message) {
      emitter.emit(channel, message);
    },
    subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Redis pub/sub bus: one subscriber connection per process with a pattern subscription, delivered
 * to local listeners, so any number of channels cost no extra connections.
 */
export async function createRedisEventBus(publisher: Redis, onError: (err: unknown) => void): Promise<EventBus> {
  const subscriber = publisher.duplicate({ enableAutoPipelining: false, lazyConnect: true });
  subscriber.on('error', onError);
  await subscriber.connect();
  const emitter = localEmitter();
  subscriber.on('pmessage', (_pattern: string, channel: string, raw: string) => {
    try {
      emitter.emit(channel.slice(PREFIX.length), JSON.parse(raw));
    } catch (err) {
      onError(err);
    }
  });
  await subscriber.psubscribe(`${PREFIX}*`);
  return {
    async publish(channel, message) {
      await publisher.publish(PREFIX + channel, JSON.stringify(message));
    },
    subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
