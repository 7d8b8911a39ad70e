import { HealthDtoSchema, ReadyDtoSchema, type ReadyDto } from '@auterity/workflow-contracts';
import { defineRoute, type RouteDefinition } from '../../http/define-route';
import { ServiceUnavailableError } from '../../http/errors';

/** A dependency readiness looks at: a name and a cheap round trip. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthDeps {
  checks: readonly ReadinessCheck[];
  /** True once SIGTERM arrived: load balancers must stop sending traffic before we close. */
  isShuttingDown(): boolean;
  /** Dependencies that are optional and not configured in this mode (reported, never failing). */
  notConfigured: readonly string[];
  checkTimeoutMs?: number;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness (touches nothing) and readiness (every configured dependency answers). */
export function healthRoutes(deps: HealthDeps): RouteDefinition[] {
  const timeoutMs = deps.checkTimeoutMs ?? 2000;
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      summary: 'Liveness: the process is up',
      tags: ['health'],
      auth: 'public',
      rateLimit: 'none',
      response: { description: 'Alive', schema: HealthDtoSchema },
      handle: () => ({ status: 'ok' as const, uptimeSec: Math.round(process.uptime()) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/ready',
      summary: 'Readiness: database (and Redis when configured) reachable',
      tags: ['health'],
      auth: 'public',
      rateLimit: 'none',
      errors: [503],
      response: { description: 'Ready to serve', schema: ReadyDtoSchema },
      handle: async () => {
        const checks: ReadyDto['checks'] = {};
        for (const name of deps.notConfigured) checks[name] = 'not_configured';
        const results = await Promise.allSettled(deps.checks.map((c) => withTimeout(c.check(), timeoutMs)));
        const down: string[] = [];
        deps.checks.forEach((c, i) => {
          const ok = results[i]?.status === 'fulfilled';
          checks[c.name] = ok ? 'up' : 'down';
          if (!ok) down.push(c.name);
        });
        if (deps.isShuttingDown()) {
          throw new ServiceUnavailableError('Shutting down', { shuttingDown: true, checks });
        }
        if (down.length > 0) {
          throw new ServiceUnavailableError(`Not ready: ${down.join(', ')} unavailable`, { checks });
        }
        return { status: 'ready' as const, checks };
      },
    }),
  ];
}
