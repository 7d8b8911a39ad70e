import { Redis } from 'ioredis';
import { RateLimitedError } from '../../http/errors';
import { createLoginThrottle } from './login-throttle';

describe('login throttle on Redis', () => {
  it('keeps counting on per-process counters while Redis is unreachable, instead of failing', async () => {
    // Never connected: the limiter sees a Redis that is not ready, as during an outage.
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const throttle = createLoginThrottle({ perAccount: 3, perIp: 100, redis });

    await throttle.assertAllowed('ada@example.com', '10.0.0.1');
    for (let i = 0; i < 3; i++) await throttle.recordFailure('ada@example.com', '10.0.0.1');
    const locked = throttle.assertAllowed('ada@example.com', '10.0.0.1').catch((err: unknown) => err);
    await throttle.recordSuccess('ada@example.com');

    expect(await locked).toBeInstanceOf(RateLimitedError);
    await expect(throttle.assertAllowed('ada@example.com', '10.0.0.1')).resolves.toBeUndefined();
    redis.disconnect();
  });
});
