import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process (one registry per process: Prometheus scrapes each pod, and
 * several apps built in one test process share the counters, which only ever go up). Instruments
 * are plain counters and histograms: recording one is a hash lookup and an addition, nothing on
 * the request path waits for I/O. Gauges that need I/O (queue depth) are read at scrape time.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Latency buckets (seconds) from a cached read to a slow synchronous run. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpDuration = new Histogram({
  name: 'auterity_http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: HTTP_BUCKETS,
  registers: [registry],
});

export const rateLimited = new Counter({
  name: 'auterity_rate_limited_total',
  help: 'Requests refused with 429 (request limits, sign-in throttling, webhook limits), by route template',
  labelNames: ['route'] as const,
  registers: [registry],
});

export const executionsFinished = new Counter({
  name: 'auterity_executions_total',
  help: 'Executions that ended, by final status and trigger path (worker: queued runs; inline: webhook and sub-workflow runs)',
  labelNames: ['status', 'path'] as const,
  registers: [registry],
});

export const queueWait = new Histogram({
  name: 'auterity_queue_wait_seconds',
  help: 'Time from an execution being created to a worker claiming it',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

export const aiCalls = new Counter({
  name: 'auterity_ai_calls_total',
  help: 'AI provider calls by provider and outcome (ok, or the failure code)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [registry],
});

export const aiTokens = new Counter({
  name: 'auterity_ai_tokens_total',
  help: 'AI tokens billed, by provider and direction (input, output)',
  labelNames: ['provider', 'direction'] as const,
  registers: [registry],
});

export const aiCost = new Counter({
  name: 'auterity_ai_cost_usd_total',
  help: 'AI spend billed to organizations, in US dollars, by provider',
  labelNames: ['provider'] as const,
  registers: [registry],
});

type Sampler = () => Promise<number> | number;
const queueSamplers = new Set<Sampler>();
const workers = new Set<{ busy: () => number; slots: number }>();

new Gauge({
  name: 'auterity_queue_depth',
  help: 'Executions waiting or running in the queue (BullMQ: the shared queue; embedded: this process)',
  registers: [registry],
  async collect() {
    let depth = 0;
    for (const sample of queueSamplers) depth = Math.max(depth, await Promise.resolve(sample()).catch(() => 0));
    this.set(depth);
  },
});

new Gauge({
  name: 'auterity_worker_busy_slots',
  help: 'Executions this process is running now',
  registers: [registry],
  collect() {
    let busy = 0;
    for (const w of workers) busy += w.busy();
    this.set(busy);
  },
});

new Gauge({
  name: 'auterity_worker_slots',
  help: 'Executions this process may run at once (WORKER_CONCURRENCY; 0 when it runs no worker)',
  registers: [registry],
  collect() {
    let slots = 0;
    for (const w of workers) slots += w.slots;
    this.set(slots);
  },
});

new Gauge({
  name: 'auterity_worker_utilization',
  help: 'Busy slots divided by slots of this process (0..1)',
  registers: [registry],
  collect() {
    let busy = 0;
    let slots = 0;
    for (const w of workers) {
      busy += w.busy();
      slots += w.slots;
    }
    this.set(slots === 0 ? 0 : busy / slots);
  },
});

/** Reports a queue's depth at scrape time; returns the function that stops reporting it. */
export function watchQueue(depth: Sampler): () => void {
  queueSamplers.add(depth);
  return () => queueSamplers.delete(depth);
}

/** Reports a worker's busy slots at scrape time; returns the function that stops reporting it. */
export function watchWorker(busy: () => number, slots: number): () => void {
  const worker = { busy, slots };
  workers.add(worker);
  return () => workers.delete(worker);
}

/** The exposition text and its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
