import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../lib/logger';
import type { Actor } from './actor';
import { RateLimitedError } from './errors';
import { createLocalCounters, type TakeState } from './rate-limit-local';

/** How a route is limited before authentication: `auth` is the strict tier for sign-in-like routes. */
export type RateLimitTier = 'default' | 'auth' | 'none';

export interface RateLimitSettings {
  /** Requests per minute per client IP on ordinary routes. */
  ipPerMinute: number;
  /** Requests per minute per client IP on sign-in, registration, reset and invite routes. */
  authPerMinute: number;
  /** Requests per minute per user or API key once authenticated. */
  actorPerMinute: number;
  /** Requests per minute per organization, all its users and keys together (plans may raise it). */
  orgPerMinute: number;
}

export interface RateLimiter {
  /** @throws RateLimitedError (429 with Retry-After) past the limit; sets RateLimit-* headers either way. */
  limitIp(req: Request, res: Response, tier: Exclude<RateLimitTier, 'none'>): Promise<void>;
  limitActor(actor: Actor, res: Response): Promise<void>;
  /** The IP tier and the actor's counters in one round trip (an API key already known to be valid). */
  limitIpAndActor(req: Request, res: Response, tier: Exclude<RateLimitTier, 'none'> | undefined, actor: Actor): Promise<void>;
  /**
   * The default per-IP tier and a named limit per key with its own rate (e.g. one workflow's webhook
   * URL, created on first use), counted together: one Redis round trip, headers of the tightest.
   */
  limitIpAndKey(req: Request, res: Response, name: string, key: string, perMinute: number): Promise<void>;
}

function setHeaders(res: Response, limit: number, state: TakeState): void {
  const remaining = String(Math.max(0, state.remainingPoints));
  const reset = String(Math.ceil(state.msBeforeNext / 1000));
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', remaining);
  res.setHeader('RateLimit-Reset', reset);
  res.setHeader('X-RateLimit-Limit', String(limit));
  res.setHeader('X-RateLimit-Remaining', remaining);
  res.setHeader('X-RateLimit-Reset', reset);
}

/**
 * rate-limiter-flexible counters: in Redis when configured (shared by every API process), with an
 * in-process insurance limiter that takes over while Redis is unreachable (limits stay on, per
 * process); in memory in embedded mode. With Redis, keys far from their limit are counted here and
 * settled in the background (rate-limit-local.ts), so most requests skip the round trip; the
 * sign-in tier is always counted in Redis.
 */
export function createRateLimiter(
  settings: RateLimitSettings,
  options: {
    redis?: Redis;
    log: Logger;
    /** The plan's API-key requests a minute for an organization (null: unlimited; undefined: not known yet). */
    planPerMinute?: (organizationId: string) => number | null | undefined;
  },
): RateLimiter {
  let outage = false;
  const noteOutage = () => {
    if (options.redis && options.redis.status !== 'ready' && !outage) {
      outage = true;
      options.log.warn('Redis is unavailable: rate limits fall back to per-process counters');
    }
  };
  const local = options.redis ? createLocalCounters({ onSettleError: noteOutage }) : undefined;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
    if (!options.redis) return memory;
    return new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `rl_${keyPrefix}`,
      points,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const limiters = {
    default: make('ip', settings.ipPerMinute),
    auth: make('auth', settings.authPerMinute),
    actor: make('actor', settings.actorPerMinute),
    org: make('org', settings.orgPerMinute),
  };

  /** One counter: its state, and whether this request is over its limit. Never throws a RateLimiterRes. */
  async function take(limiter: RateLimiterAbstract, key: string, limit: number) {
    try {
      const state: TakeState =
        local && limiter !== limiters.auth ? await local.take(limiter, key, limit) : await limiter.consume(key);
      if (outage && options.redis?.status === 'ready') {
        outage = false;
        options.log.info('rate limiting is back on Redis');
      }
      return { state, limit, limited: false };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { state: rejection, limit, limited: true };
    } finally {
      noteOutage();
    }
  }

  /** Headers of the tightest counter (the exceeded one, else the one with the least left); 429 when over. */
  function answer(res: Response, results: Awaited<ReturnType<typeof take>>[]): void {
    const exceeded = results.find((r) => r.limited);
    const shown =
      exceeded ?? results.reduce((a, b) => (b.state.remainingPoints / b.limit < a.state.remainingPoints / a.limit ? b : a));
    setHeaders(res, shown.limit, shown.state);
    if (exceeded) throw new RateLimitedError(Math.max(1, Math.ceil(exceeded.state.msBeforeNext / 1000)));
  }

  async function consume(limiter: RateLimiterAbstract, key: string, limit: number, res: Response): Promise<void> {
    answer(res, [await take(limiter, key, limit)]);
  }

  const named = new Map<string, RateLimiterAbstract>();
  const namedLimiter = (name: string, perMinute: number): RateLimiterAbstract => {
    const id = `${name}_${perMinute}`;
    let limiter = named.get(id);
    if (!limiter) {
      limiter = make(id, perMinute);
      named.set(id, limiter);
    }
    return limiter;
  };
  return {
    limitIpAndKey: async (req, res, name, key, perMinute) =>
      answer(
        res,
        await Promise.all([
          take(limiters.default, req.ip ?? 'unknown', settings.ipPerMinute),
          take(namedLimiter(name, perMinute), key, perMinute),
        ]),
      ),
    limitIp: (req, res, tier) =>
      consume(limiters[tier], req.ip ?? 'unknown', tier === 'auth' ? settings.authPerMinute : settings.ipPerMinute, res),
    // Per user or key, and per organization: issued together, so Redis sees one round trip.
    limitActor: async (actor, res) => answer(res, await Promise.all(actorTakes(actor))),
    limitIpAndActor: async (req, res, tier, actor) =>
      answer(
        res,
        await Promise.all([
          ...(tier
            ? [take(limiters[tier], req.ip ?? 'unknown', tier === 'auth' ? settings.authPerMinute : settings.ipPerMinute)]
            : []),
          ...actorTakes(actor),
        ]),
      ),
  };

  function actorTakes(actor: Actor) {
    const takes = [
      take(limiters.actor, actor.kind === 'user' ? `u:${actor.userId}` : `k:${actor.apiKeyId}`, settings.actorPerMinute),
      take(limiters.org, actor.organizationId, settings.orgPerMinute),
    ];
    // API keys of one organization share its plan's requests a minute (the studio's sessions do not).
    const plan = actor.kind === 'api_key' ? options.planPerMinute?.(actor.organizationId) : undefined;
    if (typeof plan === 'number') takes.push(take(namedLimiter('plan', plan), actor.organizationId, plan));
    return takes;
  }
}
