import { z } from 'zod';

/** Liveness answer: the process is up. It touches no dependency. */
export const HealthDtoSchema = z
  .object({
    status: z.literal('ok'),
    /** Seconds since the process started. */
    uptimeSec: z.number().nonnegative(),
  })
  .meta({ id: 'Health' });
export type HealthDto = z.infer<typeof HealthDtoSchema>;

/** State of one dependency checked by readiness. */
export const DependencyStateSchema = z.enum(['up', 'down', 'not_configured']);

/** Readiness answer: every configured dependency is reachable. */
export const ReadyDtoSchema = z
  .object({
    status: z.literal('ready'),
    checks: z.record(z.string(), DependencyStateSchema),
  })
  .meta({ id: 'Ready' });
export type ReadyDto = z.infer<typeof ReadyDtoSchema>;
