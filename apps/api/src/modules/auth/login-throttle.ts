import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../http/errors';

/** Per account: failures across all IPs in 15 minutes. */
const ACCOUNT_WINDOW_SEC = 15 * 60;
/** Per client IP: failures across all accounts in one minute (catalogue B08). */
const IP_WINDOW_SEC = 60;

/**
 * Counts failed sign-ins per account and per client IP (rate-limiter-flexible; Redis when
 * configured so every replica shares the counts). Past the limit, sign-in answers 429 with
 * Retry-After until the window passes, even with the right password.
 */
export interface LoginThrottle {
  /** @throws RateLimitedError while the account or the IP is locked out. */
  assertAllowed(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

export function createLoginThrottle(options: { perAccount: number; perIp: number; redis?: Redis }): LoginThrottle {
  // On Redis, with per-process counters as insurance: while Redis is away sign-in keeps working
  // (and keeps counting failures) instead of failing with 500.
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    options.redis
      ? new RateLimiterRedis({
          storeClient: options.redis,
          keyPrefix,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });
  const byAccount = make('login_fail_account', options.perAccount, ACCOUNT_WINDOW_SEC);
  const byIp = make('login_fail_ip', options.perIp, IP_WINDOW_SEC);

  const blockedFor = (res: RateLimiterRes | null, limit: number) =>
    res && res.consumedPoints >= limit ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;

  return {
    async assertAllowed(email, ip) {
      const [account, client] = await Promise.all([byAccount.get(email), byIp.get(ip)]);
      const retryAfter = Math.max(blockedFor(account, options.perAccount), blockedFor(client, options.perIp));
      if (retryAfter > 0) throw new RateLimitedError(retryAfter);
    },
    async recordFailure(email, ip) {
      const swallowLimit = (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) throw err;
      };
      await Promise.all([byAccount.consume(email).catch(swallowLimit), byIp.consume(ip).catch(swallowLimit)]);
    },
    async recordSuccess(email) {
      await byAccount.delete(email);
    },
  };
}
