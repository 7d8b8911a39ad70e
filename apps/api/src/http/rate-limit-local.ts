import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** How often counts taken locally are added to the shared counters. */
export const SETTLE_INTERVAL_MS = 20;
/** A key's shared count is trusted this long after it was last read from the store. */
const FRESH_MS = 1_000;
/** Limits below this are always counted in the store: a few requests of slack would matter there. */
const LOCAL_MIN_LIMIT = 100;
/** At most this many keys are counted locally at once; others go to the store directly. */
const MAX_LOCAL_KEYS = 50_000;

interface KeyState {
  limiter: RateLimiterAbstract;
  key: string;
  /** The shared count as of the last answer from the store (it includes what was settled then). */
  shared: number;
  /** Taken here and sent to the store, not yet acknowledged. */
  inFlight: number;
  /** Taken here, not yet sent. */
  pending: number;
  resetAt: number;
  readAt: number;
}

/** What a take reports: the same fields as the library's RateLimiterRes. */
export interface TakeState {
  remainingPoints: number;
  msBeforeNext: number;
  consumedPoints: number;
}

/**
 * Shared (Redis) rate-limit counters with their round trip taken off the hot path where that is
 * safe. A key's first request in a window, and every request once a key has used half its limit,
 * is counted in the store as before (the library's `consume`, exact across processes). Between
 * those, while the key is far from its limit and its shared count was read within the last
 * second, this process admits requests on its own count and adds them to the store every
 * `SETTLE_INTERVAL_MS` (the library's `penalty`, one command per key). Within one process counts
 * stay exact; across processes a key can pass its limit by at most what other processes admitted
 * in one settle interval while they all were in the lower half, and limits under
 * `LOCAL_MIN_LIMIT` are always exact. When the store fails, `consume` and `penalty` fall back to
 * the library's in-process insurance limiter, as before.
 */
export function createLocalCounters(options: { onSettleError?: (error: unknown) => void; settleMs?: number } = {}) {
  const now = Date.now;
  const settleMs = options.settleMs ?? SETTLE_INTERVAL_MS;
  const states = new Map<string, KeyState>();
  let timer: NodeJS.Timeout | undefined;

  const idOf = (limiter: RateLimiterAbstract, key: string) => `${limiter.keyPrefix}\u0000${key}`;

  function learn(state: KeyState, res: RateLimiterRes, at: number): void {
    state.shared = res.consumedPoints;
    state.resetAt = at + Math.max(0, res.msBeforeNext);
    state.readAt = at;
  }

  async function settle(): Promise<void> {
    timer = undefined;
    const at = now();
    const sends: Promise<void>[] = [];
    for (const [id, state] of states) {
      if (state.pending === 0) {
        if (state.inFlight === 0 && at >= state.resetAt) states.delete(id);
        continue;
      }
      const points = state.pending;
      state.pending = 0;
      state.inFlight += points;
      sends.push(
        state.limiter.penalty(state.key, points).then(
          (res) => {
            state.inFlight -= points;
            learn(state, res, now());
          },
          (error: unknown) => {
            // The store and its insurance both failed: keep the count here so the limit still holds.
            state.inFlight -= points;
            state.shared += points;
            options.onSettleError?.(error);
          },
        ),
      );
    }
    await Promise.all(sends);
  }

  function scheduleSettle(): void {
    timer ??= setTimeout(() => void settle(), settleMs);
    timer.unref?.();
  }

  /** Counts one request in the store, with whatever this process admitted but has not sent yet. */
  async function exact(limiter: RateLimiterAbstract, key: string, state: KeyState | undefined) {
    const carried = state?.pending ?? 0;
    if (state) {
      state.pending = 0;
      state.inFlight += carried;
    }
    try {
      const res = await limiter.consume(key, 1 + carried);
      if (state) learn(state, res, now());
      else if (states.size < MAX_LOCAL_KEYS) {
        const fresh: KeyState = { limiter, key, shared: 0, inFlight: 0, pending: 0, resetAt: 0, readAt: 0 };
        learn(fresh, res, now());
        states.set(idOf(limiter, key), fresh);
      }
      return res;
    } catch (rejection) {
      if (state && rejection instanceof RateLimiterRes) learn(state, rejection, now());
      throw rejection;
    } finally {
      if (state) state.inFlight -= carried;
    }
  }

  return {
    /**
     * Takes one point from `key` on `limiter` (whose limit is `limit`): resolves with the counter's
     * state, or rejects with a RateLimiterRes when over the limit, as the library's `consume` does.
     */
    async take(limiter: RateLimiterAbstract, key: string, limit: number): Promise<TakeState> {
      if (limit < LOCAL_MIN_LIMIT) return limiter.consume(key);
      const state = states.get(idOf(limiter, key));
      const at = now();
      if (!state || at >= state.resetAt || at - state.readAt > FRESH_MS) return exact(limiter, key, state);
      const consumed = state.shared + state.inFlight + state.pending + 1;
      if (consumed * 2 > limit) return exact(limiter, key, state);
      state.pending += 1;
      scheduleSettle();
      return { consumedPoints: consumed, remainingPoints: limit - consumed, msBeforeNext: state.resetAt - at };
    },
    /** Sends what is still counted only here now, without waiting for the next settle (tests). */
    flush: async (): Promise<void> => {
      if (timer) clearTimeout(timer);
      await settle();
    },
    /** Keys counted locally right now (for tests and metrics). */
    size: () => states.size,
  };
}

export type LocalCounters = ReturnType<typeof createLocalCounters>;
