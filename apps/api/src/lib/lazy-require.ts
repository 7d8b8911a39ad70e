/**
 * A module loaded on first use instead of at start: for libraries only some deployments or some
 * requests need (BullMQ and Stripe without their services configured, the AI provider SDKs).
 * Start-up time is mostly loading and compiling modules, so what embedded mode never calls is
 * never loaded.
 */
export function lazy<M>(name: string): () => M {
  let loaded: M | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return () => (loaded ??= require(name) as M);
}
